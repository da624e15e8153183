"""The operations tests' fixtures: the duties' stranding flight."""

from __future__ import annotations

from pathlib import Path

import pytest

from flights.models import Flight
from tests.support.scenarios import load_network, scenario_booking, scenario_flight


@pytest.fixture
def stranded(tmp_path: Path, settings) -> Flight:
    """NV1 LHR→CDG (UK261: it departs GB) lands 19:15 for NV100 CDG→JFK at 20:30, the only flight on, and no
    hotel at CDG: a long delay strands the three STRAND passengers there with nothing an automatic system can
    do. SOLO1 flies NV1 alone. Only the first passenger of each booking has an email address."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    load_network(
        [scenario_flight("1", "LHR", "CDG", "18:00", "19:15"), scenario_flight("100", "CDG", "JFK", "20:30", "23:59")],
        [
            scenario_booking("STRAND", [("1", "Y"), ("100", "Y")], size=3, email="ada@example.org"),
            scenario_booking("SOLO01", [("1", "Y")], email="bob@example.org"),
        ],
        tmp_path,
    )
    return Flight.objects.get(number="1")
