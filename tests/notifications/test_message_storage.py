"""How the passenger messages' table is stored: room on each page for the claim's and the outcome's updates."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.support.schema import migrate_every_app_forward

pytestmark = pytest.mark.django_db(transaction=True)


def _storage_options() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reloptions FROM pg_class WHERE relname = 'notifications_passengermessage'")
        (options,) = cursor.fetchone()
    return options or []


def test_each_page_keeps_two_fifths_free_for_the_updates_and_the_migration_undoes_it() -> None:
    assert _storage_options() == ["fillfactor=60"]
    try:
        MigrationExecutor(connection).migrate([("notifications", "0006_gateway_batch")])
        assert _storage_options() == [], "back to PostgreSQL's default: pages filled"
    finally:
        migrate_every_app_forward()
    assert _storage_options() == ["fillfactor=60"]
