"""A subscriber whose queue has a typo ("vouchrs"), for the queue check's test.

Only the ``manage.py check`` that test starts imports it (through ``EVENTS_EXTRA_SUBSCRIBER_MODULES``).
"""

from __future__ import annotations

from events.contracts import EventFacts
from events.registry import subscriber
from flights.payloads import FlightDelayed


@subscriber("test-misrouted", on=[FlightDelayed], queue="vouchrs")
def misrouted(payload: FlightDelayed, event: EventFacts) -> None:
    """Never runs: no worker consumes its queue."""
