"""The project's clock: what time it is now, read in one place so that tests can set it.

Code that needs "now" for a rule (an event's time, an operator's choice, a segment joining or leaving a
journey) calls ``clock.now()`` through the module (``from airline import clock``), never a name imported
from it, so that a test replacing ``airline.clock.now`` (pytest's ``monkeypatch``; the suite's ``clock``
fixture in ``tests/conftest.py``) moves every such reader at once.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def now() -> dt.datetime:
    """The current time, timezone-aware (UTC)."""
    return timezone.now()
