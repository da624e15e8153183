"""Which law applies (EU261 Art. 3; UK261 Art. 3), per flight and per journey, and its currency (POLICY.md).

An airline's licence country decides whether it is a *Community carrier* (licensed in an EU/EEA/CH country)
or a *UK carrier* (licensed in GB); an airline without one is neither.
"""

from __future__ import annotations

from enum import StrEnum

from rights.geo import Placed, eu261_airport, in_eu261_area, in_uk261_area, uk261_airport


class Regime(StrEnum):
    """The law a flight or journey falls under; ``none``: no statutory care, refund, notice or compensation."""

    EU261 = "EU261"
    UK261 = "UK261"
    NONE = "none"


#: The currency of each regime's amounts (compensation, meal vouchers).
CURRENCY = {Regime.EU261: "EUR", Regime.UK261: "GBP"}


def community_carrier(licence_country: str | None) -> bool:
    """Whether an airline licensed in ``licence_country`` (ISO 3166-1 alpha-2; None: unknown) is a Community
    carrier."""
    return bool(licence_country) and in_eu261_area(licence_country or "")


def uk_carrier(licence_country: str | None) -> bool:
    """Whether an airline licensed in ``licence_country`` is a UK carrier."""
    return bool(licence_country) and in_uk261_area(licence_country or "")


def flight_regime(*, origin: Placed, destination: Placed, carrier_country: str | None) -> Regime:
    """The regime of a flight, by the first of POLICY.md's five rules that matches.

    1. departs from an EU/EEA/CH airport → EU261; 2. departs from a GB airport → UK261; 3. arrives at an
    EU/EEA/CH airport on a Community carrier → EU261; 4. arrives at a GB airport on a UK or Community carrier
    → UK261; 5. otherwise none.
    """
    by_origin = regime_by_origin(origin)
    if by_origin is not None:
        return by_origin
    if eu261_airport(destination) and community_carrier(carrier_country):
        return Regime.EU261
    if uk261_airport(destination) and (uk_carrier(carrier_country) or community_carrier(carrier_country)):
        return Regime.UK261
    return Regime.NONE


def regime_by_origin(origin: Placed) -> Regime | None:
    """The regime of any flight departing ``origin`` when the origin alone decides it (rules 1 and 2 of
    :func:`flight_regime`), else None: its destination and carrier do."""
    if eu261_airport(origin):
        return Regime.EU261
    if uk261_airport(origin):
        return Regime.UK261
    return None


def journey_regime(*, first_flight: Regime, disrupted_flight: Regime | None) -> Regime:
    """The regime of a journey's compensation: its first flight's, or the disrupted flight's when that is none.
    ``disrupted_flight`` None: not looked up, as it need not be when the first flight has a regime (ValueError
    when it has none)."""
    if first_flight is not Regime.NONE:
        return first_flight
    if disrupted_flight is None:
        raise ValueError("a journey whose first flight has no regime takes the disrupted flight's: it is needed")
    return disrupted_flight


def currency_of(regime: Regime) -> str:
    """The ISO 4217 currency of ``regime``'s amounts (ValueError for ``none``: nothing is owed under it)."""
    try:
        return CURRENCY[regime]
    except KeyError:
        raise ValueError("no amount is owed where no regime applies") from None
