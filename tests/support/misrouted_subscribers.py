"""A subscriber whose queue has a typo ("vouchrs"), for the queue check's test.

Only the ``manage.py check`` that test starts imports it (through ``EVENTS_EXTRA_SUBSCRIBER_MODULES``).
"""

from __future__ import annotations

from events.models import Event
from events.registry import subscriber


@subscriber("test-misrouted", on=["flight.delayed"], queue="vouchrs")
def misrouted(event: Event) -> None:
    """Never runs: no worker consumes its queue."""
