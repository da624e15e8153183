"""The written notice of rights (Art. 14(2)): which passengers must be given one."""

from __future__ import annotations

from rights.regime import Regime

#: Art. 14(2): passengers "affected by a delay of at least two hours" get the notice, as do those of a cancelled
#: flight (Art. 14(2), first sentence).
NOTICE_FROM_DELAY_MINUTES = 120


def rights_notice_owed(*, regime: Regime, delay_minutes: int, cancelled: bool) -> bool:
    """Whether every passenger booked on a flight is owed a written notice of their rights (POLICY.md "Passenger
    messages"): the flight's ``regime`` is EU261 or UK261, and it is ``cancelled`` or its departure delay
    (``delay_minutes``) is 120 minutes or more."""
    if delay_minutes < 0:
        raise ValueError(f"a delay cannot be negative: {delay_minutes}")
    if regime is Regime.NONE:
        return False
    return cancelled or delay_minutes >= NOTICE_FROM_DELAY_MINUTES
