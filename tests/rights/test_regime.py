"""Which law applies (POLICY.md "Which law applies"): each of the five rules, the carriers, the territories."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from rights.geo import OUTSIDE_DESPITE_COUNTRY, eu261_airport, uk261_airport
from rights.regime import (
    Regime,
    community_carrier,
    currency_of,
    flight_regime,
    journey_regime,
    regime_by_origin,
    uk_carrier,
)


@dataclass(frozen=True)
class Airport:
    code: str
    country: str
    latitude: float = 0.0
    longitude: float = 0.0


LHR, MAN = Airport("LHR", "GB"), Airport("MAN", "GB")
CDG, FRA, OSL = Airport("CDG", "FR"), Airport("FRA", "DE"), Airport("OSL", "NO")
ZRH, KEF = Airport("ZRH", "CH"), Airport("KEF", "IS")
JFK, DXB, IST = Airport("JFK", "US"), Airport("DXB", "AE"), Airport("IST", "TR")


@pytest.mark.parametrize(
    ("origin", "destination", "carrier", "regime", "rule"),
    [
        (CDG, JFK, "US", Regime.EU261, 1),  # departs the EU, whoever flies it
        (OSL, DXB, None, Regime.EU261, 1),  # EEA
        (ZRH, JFK, "AE", Regime.EU261, 1),  # Switzerland
        (CDG, LHR, "GB", Regime.EU261, 1),  # rule 1 comes before rule 4
        (LHR, CDG, "FR", Regime.UK261, 2),  # departs GB, whoever flies it
        (LHR, JFK, None, Regime.UK261, 2),
        (JFK, FRA, "DE", Regime.EU261, 3),  # into the EU on a Community carrier
        (JFK, KEF, "IS", Regime.EU261, 3),
        (JFK, FRA, "GB", Regime.NONE, 5),  # into the EU on a UK carrier: EU261 does not cover it
        (JFK, FRA, "US", Regime.NONE, 5),
        (JFK, LHR, "GB", Regime.UK261, 4),  # into GB on a UK carrier
        (JFK, MAN, "FR", Regime.UK261, 4),  # into GB on a Community carrier
        (DXB, LHR, "AE", Regime.NONE, 5),  # into GB on a third-country carrier
        (DXB, LHR, None, Regime.NONE, 5),  # an airline without a licence country is neither
        (JFK, DXB, "DE", Regime.NONE, 5),  # neither end in either area
        (IST, DXB, "GB", Regime.NONE, 5),
    ],
)
def test_the_first_matching_rule_decides(origin, destination, carrier, regime, rule) -> None:
    assert flight_regime(origin=origin, destination=destination, carrier_country=carrier) is regime, f"rule {rule}"
    assert regime_by_origin(origin) is (regime if rule in (1, 2) else None), "only rules 1 and 2 read the origin alone"


@pytest.mark.parametrize(
    ("airport", "eu", "uk"),
    [
        (Airport("LPA", "ES"), True, False),  # Canary Islands: an outermost region, filed under ES
        (Airport("PDL", "PT"), True, False),  # Azores
        (Airport("FNC", "PT"), True, False),  # Madeira
        (Airport("RUN", "RE"), True, False),  # Réunion: an outermost region with its own code
        (Airport("PTP", "GP"), True, False),  # Guadeloupe
        (Airport("FDF", "MQ"), True, False),  # Martinique
        (Airport("CAY", "GF"), True, False),  # French Guiana
        (Airport("DZA", "YT"), True, False),  # Mayotte
        (Airport("SFG", "MF"), True, False),  # Saint-Martin
        (Airport("MHQ", "AX"), True, False),  # Åland
        (Airport("PPT", "PF"), False, False),  # French Polynesia: an overseas territory
        (Airport("NOU", "NC"), False, False),  # New Caledonia
        (Airport("SBH", "BL"), False, False),  # Saint-Barthélemy
        (Airport("CUR", "CW"), False, False),  # Curaçao
        (Airport("FAE", "FO"), False, False),  # Faroe Islands
        (Airport("GOH", "GL"), False, False),  # Greenland
        (Airport("GIB", "GI"), False, False),  # Gibraltar
        (Airport("JER", "JE"), False, False),  # Jersey: a Crown Dependency, not the UK
        (Airport("IOM", "IM"), False, False),  # Isle of Man
        (Airport("BFS", "GB"), False, True),  # Belfast: Northern Ireland is in the UK
        (Airport("LYR", "NO"), False, False),  # Svalbard, filed under NO: the override table
        (Airport("ECN", "CY"), False, False),  # northern Cyprus, filed under CY: the override table
        (Airport("AKT", "CY"), False, False),  # a UK Sovereign Base Area, filed under CY
        (Airport("LCA", "CY"), True, False),  # Larnaca: Cyprus
        (Airport("OSL", "NO"), True, False),  # mainland Norway: EEA
    ],
)
def test_where_each_regulation_applies(airport: Airport, eu: bool, uk: bool) -> None:
    assert (eu261_airport(airport), uk261_airport(airport)) == (eu, uk)


def test_a_flight_from_an_overridden_airport_falls_to_the_later_rules() -> None:
    svalbard, northern_cyprus = Airport("LYR", "NO"), Airport("ECN", "CY")
    assert flight_regime(origin=svalbard, destination=OSL, carrier_country="NO") is Regime.EU261  # rule 3
    assert flight_regime(origin=svalbard, destination=OSL, carrier_country="US") is Regime.NONE
    assert flight_regime(origin=northern_cyprus, destination=IST, carrier_country="TR") is Regime.NONE
    assert flight_regime(origin=OSL, destination=svalbard, carrier_country="US") is Regime.EU261  # rule 1
    assert set(OUTSIDE_DESPITE_COUNTRY) == {"LYR", "ECN", "AKT"}


def test_carriers_by_licence() -> None:
    assert community_carrier("DE") and community_carrier("NO") and community_carrier("CH")
    assert not community_carrier("GB") and not community_carrier(None) and not community_carrier("")
    assert uk_carrier("GB") and not uk_carrier("IE") and not uk_carrier(None)


def test_a_journey_takes_its_first_flights_regime_else_the_disrupted_flights() -> None:
    assert journey_regime(first_flight=Regime.UK261, disrupted_flight=Regime.EU261) is Regime.UK261
    assert journey_regime(first_flight=Regime.NONE, disrupted_flight=Regime.EU261) is Regime.EU261
    assert journey_regime(first_flight=Regime.NONE, disrupted_flight=Regime.NONE) is Regime.NONE
    assert journey_regime(first_flight=Regime.EU261, disrupted_flight=None) is Regime.EU261, "not looked up"
    with pytest.raises(ValueError, match="needed"):
        journey_regime(first_flight=Regime.NONE, disrupted_flight=None)


def test_each_regime_has_its_currency_and_none_has_none() -> None:
    assert (currency_of(Regime.EU261), currency_of(Regime.UK261)) == ("EUR", "GBP")
    with pytest.raises(ValueError, match="no regime"):
        currency_of(Regime.NONE)
