"""``create_demo_database`` (the first step of ``make run``): the demo's PostgreSQL database, created once."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator

import psycopg
import pytest
from django.conf import settings

SERVER = "postgres://postgres@127.0.0.1:5432"


def _create(database_url: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", "create_demo_database"], cwd=settings.BASE_DIR,
        env={**os.environ, "DATABASE_URL": database_url}, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


def _exists(name: str) -> bool:
    with psycopg.connect(f"{SERVER}/postgres") as server:
        return server.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None


@pytest.fixture
def name() -> Iterator[str]:
    name = f"demo_check_{uuid.uuid4().hex[:12]}"
    yield name
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as server:
        server.execute(f'DROP DATABASE IF EXISTS "{name}"')


def test_the_database_is_created_once_and_then_left_as_it_is(name: str) -> None:
    first = _create(f"{SERVER}/{name}")
    assert first.returncode == 0 and first.stdout.strip() == f"created database {name}", first.stderr
    assert _exists(name)
    again = _create(f"{SERVER}/{name}")
    assert again.returncode == 0 and again.stdout == "", again.stderr


def test_sqlite_and_a_server_that_does_not_answer_are_refused_with_the_reason(name: str) -> None:
    sqlite = _create("sqlite:///:memory:")
    assert sqlite.returncode == 1 and "the demo needs PostgreSQL, not sqlite" in sqlite.stderr
    down = _create(f"postgres://postgres@127.0.0.1:1/{name}")
    assert down.returncode == 1 and "PostgreSQL does not answer" in down.stderr and not _exists(name)
