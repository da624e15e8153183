"""A passenger proves who they are with the booking locator and a last name, like "manage my booking".

Whether the locator or the name was wrong is never revealed, and the comparison
takes the same time either way.
"""

from __future__ import annotations

import hmac
import unicodedata

from passengers.models import Booking

# Compared against when the locator matches nothing, so a miss costs what a hit costs.
_NOBODY = "\0" * 32


def _normalise(name: str) -> bytes:
    """Case-, accent- and space-insensitive form of a name (``Müller`` = ``MULLER``)."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    letters = "".join(c for c in decomposed if c.isalnum())
    return letters.encode()


def normalise_locator(locator: str) -> str:
    """A locator as stored: upper case, no surrounding spaces."""
    return locator.strip().upper()


def booking_for(locator: str, last_name: str) -> Booking | None:
    """The booking if ``locator`` is exactly its locator (case and surrounding spaces aside) and ``last_name`` one
    of its passengers' last names; None for any mismatch."""
    booking = Booking.objects.filter(locator=normalise_locator(locator)).prefetch_related("passengers").first()
    names = [p.last_name for p in booking.passengers.all()] if booking else [_NOBODY]
    offered = _normalise(last_name)
    matched = False
    for name in names:
        matched |= hmac.compare_digest(_normalise(name), offered)
    return booking if matched and booking else None
