"""rights.notice: who is owed the written notice of rights (Art. 14(2)) — a cancellation, or a delay of 120 minutes
or more, where a regime applies."""

from __future__ import annotations

import pytest

from rights.notice import rights_notice_owed
from rights.regime import Regime


@pytest.mark.parametrize("regime", [Regime.EU261, Regime.UK261])
@pytest.mark.parametrize(
    ("delay_minutes", "cancelled", "owed"),
    [
        (0, False, False),
        (119, False, False),
        (120, False, True),  # "a delay of at least two hours"
        (121, False, True),
        (600, False, True),
        (0, True, True),  # a cancellation, whatever the delay before it
        (30, True, True),
    ],
)
def test_a_notice_is_owed_from_a_two_hour_delay_or_a_cancellation(
    regime: Regime, delay_minutes: int, cancelled: bool, owed: bool
) -> None:
    assert rights_notice_owed(regime=regime, delay_minutes=delay_minutes, cancelled=cancelled) is owed


@pytest.mark.parametrize(("delay_minutes", "cancelled"), [(120, False), (600, False), (0, True)])
def test_no_notice_where_no_regime_applies(delay_minutes: int, cancelled: bool) -> None:
    assert rights_notice_owed(regime=Regime.NONE, delay_minutes=delay_minutes, cancelled=cancelled) is False


def test_a_negative_delay_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        rights_notice_owed(regime=Regime.EU261, delay_minutes=-1, cancelled=False)
