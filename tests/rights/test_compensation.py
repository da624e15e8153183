"""rights.compensation: every case of POLICY.md at every boundary, under both regimes, with the regime's currency;
the whole journey's band; extraordinary circumstances (pure, no DB)."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from decimal import Decimal

import pytest

from flights.reasons import EXTRAORDINARY, ORDINARY
from rights.bands import Band, band_between
from rights.compensation import (
    Compensation,
    Disruption,
    Status,
    arrival_delay,
    assess_compensation,
    cannot_be_eligible,
)
from rights.geo import EARTH_RADIUS_KM
from rights.regime import Regime

DELAYED, MISSED, CANCELLED = Disruption.DELAYED, Disruption.MISSED_CONNECTION, Disruption.CANCELLED
NOT_REROUTED = [
    Disruption.CANCELLED_UNPROTECTED,
    Disruption.MISSED_CONNECTION_UNPROTECTED,
    Disruption.CANCELLED_REFUNDED,
]
SHORT, MEDIUM, LONG = Band.SHORT, Band.MEDIUM, Band.LONG
EU, UK = Regime.EU261, Regime.UK261


@pytest.mark.parametrize(
    ("disruption", "band", "late", "eu261", "uk261"),
    [
        # Delayed, not rerouted: from 180 min; long-haul no more than 240 min late gets half.
        (DELAYED, SHORT, 179, None, None),
        (DELAYED, SHORT, 180, "250.00", "220.00"),
        (DELAYED, SHORT, 600, "250.00", "220.00"),
        (DELAYED, MEDIUM, 179, None, None),
        (DELAYED, MEDIUM, 180, "400.00", "350.00"),
        (DELAYED, MEDIUM, 240, "400.00", "350.00"),  # the half is long-haul's only
        (DELAYED, LONG, 179, None, None),
        (DELAYED, LONG, 180, "300.00", "260.00"),
        (DELAYED, LONG, 239, "300.00", "260.00"),
        (DELAYED, LONG, 240, "300.00", "260.00"),  # version 2: "no more than 240" (version 1 said "less than")
        (DELAYED, LONG, 241, "600.00", "520.00"),
        # Rerouted after a missed connection: from 180 min; half up to 120 / 180 / 240 min.
        (MISSED, SHORT, 179, None, None),
        (MISSED, SHORT, 180, "250.00", "220.00"),  # over 120 already: never half
        (MISSED, MEDIUM, 179, None, None),
        (MISSED, MEDIUM, 180, "200.00", "175.00"),
        (MISSED, MEDIUM, 181, "400.00", "350.00"),
        (MISSED, LONG, 179, None, None),
        (MISSED, LONG, 180, "300.00", "260.00"),
        (MISSED, LONG, 240, "300.00", "260.00"),
        (MISSED, LONG, 241, "600.00", "520.00"),
        # Rerouted after a cancellation: from 120 min; half up to 120 / 180 / 240 min.
        (CANCELLED, SHORT, -30, None, None),  # arrived earlier than ticketed
        (CANCELLED, SHORT, 0, None, None),
        (CANCELLED, SHORT, 119, None, None),
        (CANCELLED, SHORT, 120, "125.00", "110.00"),  # eligible and no more than 120: half
        (CANCELLED, SHORT, 121, "250.00", "220.00"),
        (CANCELLED, MEDIUM, 119, None, None),
        (CANCELLED, MEDIUM, 120, "200.00", "175.00"),
        (CANCELLED, MEDIUM, 180, "200.00", "175.00"),
        (CANCELLED, MEDIUM, 181, "400.00", "350.00"),
        (CANCELLED, LONG, 119, None, None),
        (CANCELLED, LONG, 120, "300.00", "260.00"),
        (CANCELLED, LONG, 240, "300.00", "260.00"),
        (CANCELLED, LONG, 241, "600.00", "520.00"),
    ],
)
def test_amount_at_every_boundary_under_both_regimes(
    disruption: Disruption, band: Band, late: int, eu261: str | None, uk261: str | None
) -> None:
    for regime, amount, currency in ((EU, eu261, "EUR"), (UK, uk261, "GBP")):
        result = assess_compensation(
            regime=regime, disruption=disruption, band=band, reason_code="TECH", arrival_delay_minutes=late
        )
        assert result.status is (Status.NOT_ELIGIBLE if amount is None else Status.ELIGIBLE), regime
        assert str(result.amount) == (amount or "0.00"), regime
        assert result.currency == currency


@pytest.mark.parametrize("disruption", NOT_REROUTED)
@pytest.mark.parametrize(
    ("regime", "band", "amount", "currency"),
    [
        (EU, SHORT, "250.00", "EUR"),
        (EU, MEDIUM, "400.00", "EUR"),
        (EU, LONG, "600.00", "EUR"),
        (UK, SHORT, "220.00", "GBP"),
        (UK, MEDIUM, "350.00", "GBP"),
        (UK, LONG, "520.00", "GBP"),
    ],
)
def test_not_rerouted_gets_the_full_amount(
    disruption: Disruption, regime: Regime, band: Band, amount: str, currency: str
) -> None:
    result = assess_compensation(regime=regime, disruption=disruption, band=band, reason_code="CREW")
    assert (result.status, result.amount, result.currency) == (Status.ELIGIBLE, Decimal(amount), currency)


@pytest.mark.parametrize(
    ("regime", "disruption", "band", "late", "reason"),
    [
        (EU, DELAYED, LONG, 240, "long-haul, arrived 240 min late: 50%, EUR 300.00 (EU261 Art. 7(2)(c))"),
        (UK, DELAYED, LONG, 200, "long-haul, arrived 200 min late: 50%, GBP 260.00 (UK261 Art. 7(2)(c))"),
        (EU, DELAYED, SHORT, 180, "short-haul, arrived 180 min late: EUR 250.00 (EU261 Art. 7(1)(a))"),
        (UK, DELAYED, SHORT, 180, "short-haul, arrived 180 min late: GBP 220.00 (UK261 Art. 7(1)(a))"),
        (UK, DELAYED, MEDIUM, 170, "arrived 170 min late (< 180)"),
        (
            UK,
            MISSED,
            MEDIUM,
            180,
            "medium-haul, rerouted after a missed connection, arrived 180 min late: 50%, GBP 175.00 "
            "(UK261 Art. 7(2)(b))",
        ),
        (EU, MISSED, SHORT, 150, "rerouted after a missed connection, arrived 150 min late (< 180)"),
        (
            EU,
            CANCELLED,
            SHORT,
            120,
            "short-haul, rerouted after a cancellation, arrived 120 min late: 50%, EUR 125.00 (EU261 Art. 7(2)(a))",
        ),
        (
            UK,
            CANCELLED,
            LONG,
            300,
            "long-haul, rerouted after a cancellation, arrived 300 min late: GBP 520.00 (UK261 Art. 7(1)(c))",
        ),
        (EU, CANCELLED, LONG, 90, "rerouted after a cancellation, arrived 90 min late (< 120)"),
    ],
)
def test_the_reason_is_readable_and_names_the_currency(
    regime: Regime, disruption: Disruption, band: Band, late: int, reason: str
) -> None:
    result = assess_compensation(
        regime=regime, disruption=disruption, band=band, reason_code="TECH", arrival_delay_minutes=late
    )
    assert result.reason == reason


@pytest.mark.parametrize(
    ("regime", "disruption", "band", "outcome"),
    [
        (
            EU,
            Disruption.CANCELLED_UNPROTECTED,
            MEDIUM,
            Compensation(
                Status.ELIGIBLE,
                Decimal("400.00"),
                "EUR",
                "medium-haul, cancelled and not rerouted: EUR 400.00 (EU261 Art. 5(1)(c), 7(1)(b))",
            ),
        ),
        (
            UK,
            Disruption.MISSED_CONNECTION_UNPROTECTED,
            LONG,
            Compensation(
                Status.ELIGIBLE,
                Decimal("520.00"),
                "GBP",
                "long-haul, missed connection and not rerouted: GBP 520.00 (UK261 Art. 7(1)(c); Sturgeon)",
            ),
        ),
        (
            UK,
            Disruption.CANCELLED_REFUNDED,
            SHORT,
            Compensation(
                Status.ELIGIBLE,
                Decimal("220.00"),
                "GBP",
                "short-haul, cancelled and refunded instead of rerouted: GBP 220.00 (UK261 Art. 5(1)(c), 7(1)(a), "
                "8(1)(a))",
            ),
        ),
    ],
)
def test_not_rerouted_reasons(regime: Regime, disruption: Disruption, band: Band, outcome: Compensation) -> None:
    assert assess_compensation(regime=regime, disruption=disruption, band=band, reason_code="OTHER") == outcome


@pytest.mark.parametrize("regime", [EU, UK])
@pytest.mark.parametrize("reason_code", sorted(EXTRAORDINARY))
@pytest.mark.parametrize(("disruption", "late"), [(DELAYED, 600), (MISSED, 600), (CANCELLED, 600)] + [
    (disruption, None) for disruption in NOT_REROUTED
])  # fmt: skip
def test_extraordinary_circumstances_owe_nothing(
    regime: Regime, reason_code: str, disruption: Disruption, late: int | None
) -> None:
    result = assess_compensation(
        regime=regime, disruption=disruption, band=LONG, reason_code=reason_code, arrival_delay_minutes=late
    )
    assert (result.status, str(result.amount)) == (Status.NOT_ELIGIBLE, "0.00")
    assert result.reason.startswith(f"extraordinary circumstance {reason_code} (")
    assert result.reason.endswith(f"({regime} Art. 5(3))")


def test_extraordinary_reason_names_the_circumstance_and_keeps_the_regime_currency() -> None:
    result = assess_compensation(regime=UK, disruption=DELAYED, band=SHORT, reason_code="WX", arrival_delay_minutes=300)
    assert result == Compensation(
        Status.NOT_ELIGIBLE, Decimal("0.00"), "GBP", "extraordinary circumstance WX (Weather): no compensation (UK261 "
        "Art. 5(3))"
    )  # fmt: skip


@pytest.mark.parametrize("reason_code", [*sorted(ORDINARY), "UNKNOWN", ""])
def test_any_other_reason_is_not_extraordinary(reason_code: str) -> None:
    result = assess_compensation(
        regime=EU, disruption=DELAYED, band=LONG, reason_code=reason_code, arrival_delay_minutes=300
    )
    assert (result.status, result.amount) == (Status.ELIGIBLE, Decimal("600.00"))


@pytest.mark.parametrize("disruption", [DELAYED, MISSED, CANCELLED])
def test_an_arrival_delay_is_needed_unless_not_rerouted(disruption: Disruption) -> None:
    with pytest.raises(ValueError, match="arrival delay"):
        assess_compensation(regime=EU, disruption=disruption, band=SHORT, reason_code="TECH")


@pytest.mark.parametrize("disruption", list(Disruption))
def test_nothing_is_assessed_where_no_regime_applies(disruption: Disruption) -> None:
    with pytest.raises(ValueError, match="no regime applies"):
        assess_compensation(
            regime=Regime.NONE, disruption=disruption, band=SHORT, reason_code="TECH", arrival_delay_minutes=300
        )


@dataclass(frozen=True)
class Place:
    latitude: float
    longitude: float
    country: str


def _journey(km: float, origin_country: str, destination_country: str) -> tuple[Place, Place]:
    """From (0, 0) to the point ``km`` due north (along a meridian the great circle is exactly R × Δφ)."""
    return Place(0.0, 0.0, origin_country), Place(math.degrees(km / EARTH_RADIUS_KM), 0.0, destination_country)


@pytest.mark.parametrize(
    ("km", "countries", "regime", "amount"),
    [
        (1499.999, "ZZ ZZ", EU, "250.00"),
        (1500.001, "ZZ ZZ", EU, "400.00"),
        (3499.999, "ZZ ZZ", EU, "400.00"),
        (3500.001, "ZZ ZZ", EU, "600.00"),
        (1499.999, "ZZ ZZ", UK, "220.00"),
        (1500.001, "ZZ ZZ", UK, "350.00"),
        (3499.999, "ZZ ZZ", UK, "350.00"),
        (3500.001, "ZZ ZZ", UK, "520.00"),
        # Over 1500 km within the regime's area is medium however long: intra-EU under EU261, within GB under UK261.
        (3500.001, "FR DE", EU, "400.00"),
        (3500.001, "FR DE", UK, "520.00"),
        (3500.001, "GB GB", UK, "350.00"),
        (3500.001, "GB GB", EU, "600.00"),
        (1499.999, "GB GB", UK, "220.00"),
    ],
)
def test_the_whole_journeys_band_sets_the_amount(km: float, countries: str, regime: Regime, amount: str) -> None:
    origin, destination = _journey(km, *countries.split())
    band = band_between(origin, destination, uk261=regime is UK)
    result = assess_compensation(regime=regime, disruption=Disruption.CANCELLED_UNPROTECTED, band=band, reason_code="")
    assert result.amount == Decimal(amount)


@pytest.mark.parametrize("disruption", list(Disruption))
@pytest.mark.parametrize("reason", ["TECH", "WX"])
def test_what_cannot_be_eligible_is_refused_under_every_regime_and_band(disruption: Disruption, reason: str) -> None:
    """``cannot_be_eligible`` lets callers skip journeys: it must never refuse what ``assess_compensation`` grants,
    and it refuses every arrival short of the threshold whatever the law and band."""
    timed = disruption not in NOT_REROUTED
    for late in range(-60, 400, 1) if timed else [None]:
        refused = cannot_be_eligible(disruption, reason_code=reason, arrival_delay_minutes=late)
        outcomes = {
            assess_compensation(
                regime=regime, disruption=disruption, band=band, reason_code=reason, arrival_delay_minutes=late
            ).status
            for regime in (EU, UK)
            for band in Band
        }
        assert outcomes == ({Status.NOT_ELIGIBLE} if refused else {Status.ELIGIBLE}), (disruption, reason, late)


@pytest.mark.parametrize("reason", ["TECH", "WX"])
def test_an_unknown_arrival_delay_is_refused_for_the_reason_alone(reason: str) -> None:
    assert cannot_be_eligible(Disruption.DELAYED, reason_code=reason, arrival_delay_minutes=None) is (reason == "WX")


@pytest.mark.parametrize(("seconds", "minutes"), [(0, 0), (59, 0), (60, 1), (10_799, 179), (10_800, 180), (-1, -1)])
def test_the_arrival_delay_is_in_whole_minutes_rounded_down(seconds: int, minutes: int) -> None:
    ticketed = dt.datetime(2026, 11, 25, 18, 0, tzinfo=dt.UTC)
    assert arrival_delay(ticketed + dt.timedelta(seconds=seconds), ticketed) == minutes
