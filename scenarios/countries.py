"""Country codes a scenario may use: ISO 3166-1 alpha-2 (pycountry's list), and ``XK`` for Kosovo.

``XK`` is not an ISO 3166-1 code: the standard leaves ``XA``–``XZ`` to its users, and the European
Commission and the airport databases (the packaged one files Pristina, PRN, under ``XK``) use ``XK`` for
Kosovo. Refusing it would refuse the packaged database's own facts, so it is accepted; every other
user-assigned code (``XA``, ``ZZ``, …) and every reserved one (``UK``, ``EU``, …) is not.
"""

from __future__ import annotations

import functools

import pycountry

#: User-assigned codes accepted beside ISO 3166-1's own.
USER_ASSIGNED = frozenset({"XK"})


@functools.cache
def _codes() -> frozenset[str]:
    return frozenset(country.alpha_2 for country in pycountry.countries) | USER_ASSIGNED


def is_country(code: str) -> bool:
    """Whether ``code`` (upper case) names a country: an ISO 3166-1 alpha-2 code, or ``XK``."""
    return code in _codes()
