"""``create_demo_database``: create the PostgreSQL database of DATABASE_URL if it does not exist (``make run``)."""

from __future__ import annotations

from typing import Any

import psycopg
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from psycopg import sql


class Command(BaseCommand):
    help = "Create the PostgreSQL database of DATABASE_URL if it does not exist yet (the local demo's)."

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError(f"the demo needs PostgreSQL, not {connection.vendor}: its handlers use PostgreSQL's SQL")
        params = connection.get_connection_params()
        name = params.pop("dbname")
        try:
            server = psycopg.connect(**{**params, "dbname": "postgres"}, autocommit=True)
        except psycopg.OperationalError as exc:
            raise CommandError(f"PostgreSQL does not answer ({exc}); start it or set DATABASE_URL") from exc
        with server:
            if server.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                return
            server.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        self.stdout.write(f"created database {name}")
