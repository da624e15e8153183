"""The lookup tests' booking: SMTH00 on a cancelled CDG→JFK evening flight, its whole flow run."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.scenarios import load_cancelled_evening


@pytest.fixture
def cancelled_evening(tmp_path: Path) -> None:
    load_cancelled_evening(tmp_path)
