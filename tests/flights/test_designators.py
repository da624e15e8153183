import datetime as dt

import pytest

from flights.designators import Designator, InvalidDesignator, parse_designator, parse_flight_ref


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("NV117", "NV117"),
        ("nv0117", "NV117"),
        (" NV117 ", "NV117"),
        ("NV0001", "NV1"),
        ("nv117a", "NV117A"),
        ("U21234", "U21234"),
        ("9W7", "9W7"),
    ],
)
def test_designators_normalise(text: str, expected: str) -> None:
    assert str(parse_designator(text)) == expected


def test_designator_parts() -> None:
    assert parse_designator("nv0117a") == Designator(carrier="NV", number=117, suffix="A")
    assert parse_designator("NV117A").number_with_suffix == "117A"


@pytest.mark.parametrize("text", ["", "NV", "N", "NV12345", "NV0", "NV117AB", "NV-117", "NV 117", "ÑV117"])
def test_bad_designators_are_refused(text: str) -> None:
    with pytest.raises(InvalidDesignator):
        parse_designator(text)


def test_flight_ref() -> None:
    ref = parse_flight_ref("nv0117/2026-11-25")
    assert str(ref) == "NV117/2026-11-25"
    assert ref.date == dt.date(2026, 11, 25)


@pytest.mark.parametrize(
    "text", ["NV117", "NV117/2026-13-01", "NV117/26-11-25", "NV117/2026-11-25/x", "NV117/2026-W48-3", "NV117/20261125"]
)
def test_bad_flight_refs_are_refused(text: str) -> None:
    with pytest.raises(InvalidDesignator):
        parse_flight_ref(text)
