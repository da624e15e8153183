"""The operations tests' fixtures: the duties' stranding flight."""

from __future__ import annotations

from pathlib import Path

import pytest

from flights.models import Flight
from tests.support.scenarios import load_stranding


@pytest.fixture
def stranded(tmp_path: Path, settings) -> Flight:
    """NV1 of :func:`tests.support.scenarios.load_stranding`, with mail kept in memory."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    load_stranding(tmp_path)
    return Flight.objects.get(number="1")
