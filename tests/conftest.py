"""Shared fixtures. Tests run against real PostgreSQL and Redis (see the Makefile's TEST_ENV)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings


@pytest.fixture
def contract_dir() -> Path:
    return settings.CONTRACT_DIR


@pytest.fixture
def shared_dir() -> Path:
    path = settings.SHARED_DIR
    assert (path / "benchmarks").is_dir(), f"the shared folder {path} (AIRLINE_SHARED_DIR) has no benchmarks/"
    return path
