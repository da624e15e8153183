"""For migration tests: the test database's schema put back as the code has it."""

from __future__ import annotations

from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def migrate_every_app_forward() -> None:
    """Apply every app's migrations up to its latest. A test that migrated one app back also unapplied the later
    migrations of other apps that depend on it; migrating that one app forward again would leave them out."""
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
