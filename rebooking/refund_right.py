"""Who may choose a refund instead of travelling (POLICY "Refund (Art. 8)"): pure, no Django.

Every passenger booked on a flight that is cancelled, or whose departure delay reaches 300 minutes, may
choose a refund when the flight's regime is EU261 or UK261. The right follows the flight as it is now: a
later delay that takes it to 300 minutes opens it, whenever the passenger asks.
"""

from __future__ import annotations

from rights.regime import Regime

from .refusals import Refusal

REFUND_DELAY_MINUTES = 300


def refund_refusal(*, cancelled: bool, delay_minutes: int, regime: Regime) -> Refusal | None:
    """Why the passengers of a flight may not choose a refund now, or None when they may."""
    if not cancelled and delay_minutes < REFUND_DELAY_MINUTES:
        return Refusal.DELAY_UNDER_300_MINUTES
    if regime is Regime.NONE:
        return Refusal.NO_REGIME
    return None
