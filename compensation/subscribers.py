"""Compensation's event handlers: a subscriber of its own (own deliveries, retries and failures) that shares
the ``vouchers`` queue's workers (ADR 3)."""

from __future__ import annotations

from typing import Any

from events.models import Event
from events.registry import subscriber

from .services import assess_after_delay, assess_after_reaccommodation


@subscriber("compensation", on=["flight.delayed"], queue="vouchers")
def delayed_not_rerouted(event: Event) -> dict[str, Any]:
    """Compensation of the passengers whose journey ends with the delayed flight."""
    return assess_after_delay(event)


@subscriber("compensation", on=["passenger.reaccommodated"], queue="vouchers")
def rerouted_or_not(event: Event) -> dict[str, Any]:
    """Compensation of every reaccommodated party, now that its new arrival (or none) is known."""
    return assess_after_reaccommodation(event)
