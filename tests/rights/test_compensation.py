"""rights.compensation: every case of POLICY.md at every boundary, and extraordinary circumstances (pure, no DB)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from flights.reasons import EXTRAORDINARY, ORDINARY
from rights.bands import Band
from rights.compensation import Compensation, Disruption, Status, assess_compensation

DELAYED, MISSED, CANCELLED = Disruption.DELAYED, Disruption.MISSED_CONNECTION, Disruption.CANCELLED
SHORT, MEDIUM, LONG = Band.SHORT, Band.MEDIUM, Band.LONG


@pytest.mark.parametrize(
    ("disruption", "band", "late", "amount"),
    [
        # Delayed, not rerouted: from 180 min; long-haul under 240 min gets half.
        (DELAYED, SHORT, 179, None),
        (DELAYED, SHORT, 180, "250.00"),
        (DELAYED, SHORT, 600, "250.00"),
        (DELAYED, MEDIUM, 179, None),
        (DELAYED, MEDIUM, 180, "400.00"),
        (DELAYED, LONG, 179, None),
        (DELAYED, LONG, 180, "300.00"),
        (DELAYED, LONG, 239, "300.00"),
        (DELAYED, LONG, 240, "600.00"),
        # Rerouted after a missed connection: from 180 min; half up to 120 / 180 / 240 min.
        (MISSED, SHORT, 179, None),
        (MISSED, SHORT, 180, "250.00"),  # over 120 already: never half
        (MISSED, MEDIUM, 179, None),
        (MISSED, MEDIUM, 180, "200.00"),
        (MISSED, MEDIUM, 181, "400.00"),
        (MISSED, LONG, 179, None),
        (MISSED, LONG, 180, "300.00"),
        (MISSED, LONG, 240, "300.00"),
        (MISSED, LONG, 241, "600.00"),
        # Rerouted after a cancellation: from 120 min; half up to 120 / 180 / 240 min.
        (CANCELLED, SHORT, 0, None),
        (CANCELLED, SHORT, 119, None),
        (CANCELLED, SHORT, 120, "125.00"),  # eligible and no more than 120: half
        (CANCELLED, SHORT, 121, "250.00"),
        (CANCELLED, MEDIUM, 119, None),
        (CANCELLED, MEDIUM, 120, "200.00"),
        (CANCELLED, MEDIUM, 180, "200.00"),
        (CANCELLED, MEDIUM, 181, "400.00"),
        (CANCELLED, LONG, 119, None),
        (CANCELLED, LONG, 120, "300.00"),
        (CANCELLED, LONG, 240, "300.00"),
        (CANCELLED, LONG, 241, "600.00"),
    ],
)
def test_amount_at_every_boundary(disruption: Disruption, band: Band, late: int, amount: str | None) -> None:
    result = assess_compensation(disruption=disruption, band=band, reason_code="TECH", arrival_delay_minutes=late)
    assert result.status is (Status.NOT_ELIGIBLE if amount is None else Status.ELIGIBLE)
    assert str(result.amount) == (amount or "0.00")
    assert result.currency == "EUR"


@pytest.mark.parametrize(("band", "amount"), [(SHORT, "250.00"), (MEDIUM, "400.00"), (LONG, "600.00")])
def test_unprotected_after_a_cancellation_gets_the_full_amount(band: Band, amount: str) -> None:
    result = assess_compensation(disruption=Disruption.CANCELLED_UNPROTECTED, band=band, reason_code="CREW")
    assert result.status is Status.ELIGIBLE
    assert result.amount == Decimal(amount)


@pytest.mark.parametrize(
    ("disruption", "band", "late", "reason"),
    [
        (DELAYED, LONG, 200, "long-haul, arrived 200 min late: 50% (Art. 7(2)(c))"),
        (DELAYED, SHORT, 180, "short-haul, arrived 180 min late: EUR 250.00 (Art. 7(1)(a))"),
        (DELAYED, MEDIUM, 170, "arrived 170 min late (< 180)"),
        (
            MISSED,
            MEDIUM,
            180,
            "medium-haul, rerouted after a missed connection, arrived 180 min late: 50% (Art. 7(2)(b))",
        ),
        (MISSED, SHORT, 150, "rerouted after a missed connection, arrived 150 min late (< 180)"),
        (CANCELLED, SHORT, 120, "short-haul, rerouted after a cancellation, arrived 120 min late: 50% (Art. 7(2)(a))"),
        (
            CANCELLED,
            LONG,
            300,
            "long-haul, rerouted after a cancellation, arrived 300 min late: EUR 600.00 (Art. 7(1)(c))",
        ),
        (CANCELLED, LONG, 90, "rerouted after a cancellation, arrived 90 min late (< 120)"),
    ],
)
def test_the_reason_is_readable(disruption: Disruption, band: Band, late: int, reason: str) -> None:
    result = assess_compensation(disruption=disruption, band=band, reason_code="TECH", arrival_delay_minutes=late)
    assert result.reason == reason


def test_unprotected_reason() -> None:
    result = assess_compensation(disruption=Disruption.CANCELLED_UNPROTECTED, band=MEDIUM, reason_code="OTHER")
    assert result == Compensation(
        Status.ELIGIBLE,
        Decimal("400.00"),
        "medium-haul, cancelled and not rerouted: EUR 400.00 (Art. 5(1)(c), 7(1)(b))",
    )


@pytest.mark.parametrize("reason_code", sorted(EXTRAORDINARY))
@pytest.mark.parametrize(
    ("disruption", "late"), [(DELAYED, 600), (MISSED, 600), (CANCELLED, 600), (Disruption.CANCELLED_UNPROTECTED, None)]
)
def test_extraordinary_circumstances_owe_nothing(reason_code: str, disruption: Disruption, late: int | None) -> None:
    result = assess_compensation(disruption=disruption, band=LONG, reason_code=reason_code, arrival_delay_minutes=late)
    assert result.status is Status.NOT_ELIGIBLE
    assert str(result.amount) == "0.00"
    assert result.reason.startswith(f"extraordinary circumstance {reason_code} (")
    assert result.reason.endswith("(Art. 5(3))")


def test_extraordinary_reason_names_the_circumstance() -> None:
    result = assess_compensation(disruption=DELAYED, band=SHORT, reason_code="WX", arrival_delay_minutes=300)
    assert result.reason == "extraordinary circumstance WX (Weather): no compensation (Art. 5(3))"


@pytest.mark.parametrize("reason_code", [*sorted(ORDINARY), "UNKNOWN"])
def test_any_other_reason_is_not_extraordinary(reason_code: str) -> None:
    result = assess_compensation(disruption=DELAYED, band=LONG, reason_code=reason_code, arrival_delay_minutes=300)
    assert (result.status, result.amount) == (Status.ELIGIBLE, Decimal("600.00"))


@pytest.mark.parametrize("disruption", [DELAYED, MISSED, CANCELLED])
def test_an_arrival_delay_is_needed_unless_unprotected(disruption: Disruption) -> None:
    with pytest.raises(ValueError, match="arrival delay"):
        assess_compensation(disruption=disruption, band=SHORT, reason_code="TECH")
