"""The scenario checks that need no database: reading, the JSON schema, the contract's rules and the rebase."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from rights.geo import EU261_COUNTRIES, UK261_COUNTRIES
from scenarios.countries import is_country
from scenarios.files import read_document
from scenarios.problems import InvalidScenario, Problem, pointer
from scenarios.rebase import days_ahead, first_service_date, rebase, shift_by
from scenarios.validation import check_document
from tests.conftest import BrokenScenario

UTC = dt.UTC


def problems_of(document: Any, **options: Any) -> list[Problem]:
    with pytest.raises(InvalidScenario) as refused:
        check_document(document, **options)
    return refused.value.problems


def assert_reported(problems: list[Problem], pointer: str, message: str) -> None:
    assert any(p.pointer == pointer and message in p.message for p in problems), (
        f"no problem at {pointer!r} saying {message!r} among:\n" + "\n".join(map(str, problems))
    )


def test_the_minimal_scenario_is_valid(scenario_document: dict[str, Any]) -> None:
    scenario = check_document(scenario_document)

    assert [(a.code, a.country) for a in scenario.airlines] == [("NV", "GB"), ("PA", "")]
    lhr, waw, xqa = scenario.airports
    assert (lhr.name, lhr.min_connection_minutes) == ("London Heathrow", 45)
    assert (waw.name, waw.country, waw.zone.key) == ("Warsaw Chopin Airport", "PL", "Europe/Warsaw")
    assert waw.min_connection_minutes == 60
    assert (xqa.name, xqa.latitude, xqa.min_connection_minutes) == ("Example Field", 51.5, 30)
    assert [(h.code, h.rank) for h in scenario.hotels] == [("WAW-H1", 1), ("LHR-H1", 1), ("WAW-H2", 2)]
    assert scenario.hotels[0].rooms == {dt.date(2026, 11, 25): 5, dt.date(2026, 11, 26): 4}
    nv117, pa2231 = scenario.flights
    assert str(nv117.ref) == "NV117/2026-11-25"
    assert nv117.departure == dt.datetime(2026, 11, 25, 8, 25, tzinfo=UTC)
    assert nv117.arrival == dt.datetime(2026, 11, 25, 10, 50, tzinfo=UTC)
    assert nv117.booked == {"Y": 2, "J": 1}
    assert pa2231.booked == {"Y": 2}
    ada, charles = scenario.bookings[0].passengers
    assert (ada.tier, ada.assistance, ada.phone) == ("gold", ["WCHR"], "+447700900123")
    assert (charles.tier, charles.assistance, charles.email) == ("none", [], "")
    assert [str(s.flight) for s in scenario.bookings[1].segments] == ["NV117/2026-11-25"]
    assert scenario.passenger_count == 3


def test_each_rule_is_enforced(broken_scenario: BrokenScenario) -> None:
    assert_reported(problems_of(broken_scenario.document), broken_scenario.pointer, broken_scenario.message)


def test_every_problem_is_reported_at_once(scenario_document: dict[str, Any]) -> None:
    scenario_document["airlines"][1].pop("secret")
    scenario_document["flights"][0]["arrival"] = "2026-11-25T08:00:00Z"
    scenario_document["bookings"][1]["locator"] = "QX7K2M"

    problems = problems_of(scenario_document)

    assert [p.pointer for p in problems] == ["/airlines/1", "/flights/0/arrival", "/bookings/1/locator"]


def test_every_schema_problem_is_reported_and_the_rules_wait(scenario_document: dict[str, Any]) -> None:
    scenario_document["airlines"][0]["code"] = "nv"
    scenario_document["bookings"][0]["passengers"][1]["tier"] = "bronze"
    scenario_document["bookings"][1]["locator"] = "QX7K2M"  # a rule problem: reported once the schema passes
    del scenario_document["flights"][1]["seats"]

    problems = problems_of(scenario_document)

    assert [p.pointer for p in problems] == ["/airlines/0/code", "/flights/1", "/bookings/0/passengers/1/tier"]
    assert problems[0].message == "'nv' does not match '^[A-Z0-9]{2}$'"
    assert problems[1].message == "'seats' is a required property"


def test_a_document_that_is_not_an_object_is_refused() -> None:
    assert problems_of([]) == [Problem("", "[] is not of type 'object'")]


def test_a_large_value_is_abbreviated_in_messages(scenario_document: dict[str, Any]) -> None:
    scenario_document["airlines"] = {f"airline-{n}": n for n in range(1000)}

    [problem] = problems_of(scenario_document)

    assert problem.pointer == "/airlines"
    assert problem.message.endswith("is not of type 'array'")
    assert len(problem.message) < 200


def test_problems_print_as_pointer_and_message() -> None:
    assert str(Problem("/flights/3/date", "is wrong")) == "/flights/3/date: is wrong"
    assert str(Problem("", "not JSON")) == "(document): not JSON"
    assert pointer("hotels", 0, "rooms", "a/b~c") == "/hotels/0/rooms/a~1b~0c"


def _waw_flight(date: str, departure: str, arrival: str) -> dict[str, Any]:
    return {
        "carrier": "NV",
        "number": "200",
        "date": date,
        "origin": "WAW",
        "destination": "LHR",
        "departure": departure,
        "arrival": arrival,
        "seats": {"Y": 10},
    }


def test_the_service_date_is_the_local_date_of_departure(scenario_document: dict[str, Any]) -> None:
    # 00:30 in Warsaw is 23:30 UTC the day before: the flight belongs to the local date.
    local_date = _waw_flight("2026-11-26", "2026-11-25T23:30:00Z", "2026-11-26T02:00:00+00:00")
    utc_date = {**local_date, "number": "201", "date": "2026-11-25"}
    scenario_document["flights"] += [local_date, utc_date]

    problems = problems_of(scenario_document)

    assert problems == [
        Problem(
            "/flights/3/date",
            "2026-11-25 is not the local date of the departure at WAW (2026-11-26 00:30 Europe/Warsaw): "
            "the service date is 2026-11-26",
        )
    ]


def test_a_known_airport_keeps_the_facts_it_gives(scenario_document: dict[str, Any]) -> None:
    scenario_document["airports"][1].update(name="Okęcie", min_connection_minutes=50)

    waw = check_document(scenario_document).airports[1]

    assert (waw.name, waw.country, waw.min_connection_minutes) == ("Okęcie", "PL", 50)


def test_an_unknown_airport_with_every_fact_is_accepted(scenario_document: dict[str, Any]) -> None:
    assert check_document(scenario_document).airports[2].code == "XQA"
    del scenario_document["airports"][2]["country"]

    assert_reported(
        problems_of(scenario_document), "/airports/2", "XQA is not a known IATA airport, so it needs country"
    )


def test_a_listed_but_invalid_airport_is_reported_once(scenario_document: dict[str, Any]) -> None:
    scenario_document["airports"][2]["timezone"] = "Mars/Olympus"

    assert problems_of(scenario_document) == [Problem("/airports/2/timezone", "'Mars/Olympus' is not an IANA timezone")]


# --- countries ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["GB", "DE", "CH", "NO", "AX", "US", "XK"])
def test_iso_codes_and_kosovo_name_countries(code: str) -> None:
    assert is_country(code)


# UK and EU are reserved, EL is the EU's own code for Greece (ISO: GR), YU is withdrawn, XA and ZZ are
# user-assigned like XK but mean nothing agreed.
@pytest.mark.parametrize("code", ["UK", "EU", "EL", "YU", "XA", "ZZ", "gb", ""])
def test_other_codes_name_no_country(code: str) -> None:
    assert not is_country(code)


def test_every_country_of_the_rulebook_is_a_country() -> None:
    assert sorted(code for code in EU261_COUNTRIES | UK261_COUNTRIES if not is_country(code)) == []


def test_every_unknown_country_is_reported_at_once(scenario_document: dict[str, Any]) -> None:
    scenario_document["airlines"][0]["country"] = "UK"
    scenario_document["airlines"][1]["country"] = "EU"
    scenario_document["airports"][1]["country"] = "ZZ"
    scenario_document["airports"][2]["country"] = "XA"

    problems = problems_of(scenario_document)

    assert problems == [
        Problem("/airlines/0/country", "UK is not an ISO 3166-1 alpha-2 country code"),
        Problem("/airlines/1/country", "EU is not an ISO 3166-1 alpha-2 country code"),
        Problem("/airports/1/country", "ZZ is not an ISO 3166-1 alpha-2 country code"),
        Problem("/airports/2/country", "XA is not an ISO 3166-1 alpha-2 country code"),
    ]


def test_kosovo_is_accepted_for_airlines_and_airports(scenario_document: dict[str, Any]) -> None:
    scenario_document["airlines"][1]["country"] = "XK"
    scenario_document["airports"][2]["country"] = "XK"
    scenario_document["airports"].append({"code": "PRN"})  # Pristina: the airport database says XK

    scenario = check_document(scenario_document)

    assert scenario.airlines[1].country == "XK"
    assert [(a.code, a.country) for a in scenario.airports[2:]] == [("XQA", "XK"), ("PRN", "XK")]


def test_an_airline_without_a_country_has_none(scenario_document: dict[str, Any]) -> None:
    del scenario_document["airlines"][0]["country"]

    assert [a.country for a in check_document(scenario_document).airlines] == ["", ""]


def test_capacity_counts_every_passenger_of_every_booking(scenario_document: dict[str, Any]) -> None:
    scenario_document["flights"][0]["seats"]["J"] = 1
    scenario_document["bookings"][0]["segments"][0]["cabin"] = "J"
    assert_reported(
        problems_of(scenario_document),
        "/flights/0/seats/J",
        "NV117/2026-11-25 has 1 seats in cabin J but 3 passengers are booked into it",
    )


# --- reading files ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["scenario.json", "scenario.json.gz"])
def test_json_and_gzipped_json_are_read(
    name: str, scenario_document: dict[str, Any], write_scenario: Callable[..., Path]
) -> None:
    assert read_document(write_scenario(scenario_document, name)) == scenario_document


def test_a_file_that_is_not_json_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"format": ')

    with pytest.raises(InvalidScenario) as refused:
        read_document(path)

    [problem] = refused.value.problems
    assert problem.pointer == ""
    assert problem.message.startswith(f"{path} is not valid JSON: Expecting value: line 1 column 12")


@pytest.mark.parametrize("name", ["missing.json", "not-gzip.json.gz"])
def test_an_unreadable_file_is_refused(name: str, tmp_path: Path) -> None:
    path = tmp_path / name
    if name.endswith(".gz"):
        path.write_text("{}")

    with pytest.raises(InvalidScenario) as refused:
        read_document(path)

    assert refused.value.problems[0].message.startswith(f"cannot read {path}: ")


# --- rebase -----------------------------------------------------------------------------------------------------


def test_rebase_moves_every_date_by_the_same_days(scenario_document: dict[str, Any]) -> None:
    original = copy.deepcopy(scenario_document)

    moved = rebase(scenario_document, dt.date(2027, 2, 1), {"LHR": dt.UTC})

    assert scenario_document == original, "rebase returns a copy"
    assert first_service_date(moved) == dt.date(2027, 2, 1)
    assert [f["date"] for f in moved["flights"]] == ["2027-02-01", "2027-02-01"]
    assert moved["hotels"][0]["rooms"] == {"2027-02-01": 5, "2027-02-02": 4}
    assert [s["flight"] for s in moved["bookings"][0]["segments"]] == ["NV117/2027-02-01", "PA2231/2027-02-01"]
    assert moved["bookings"][1]["segments"][0]["flight"] == "NV0117/2027-02-01"
    assert moved["flights"][0]["departure"] == "2027-02-01T08:25:00+00:00"
    # No timezone given for WAW and XQA: their times keep the offset they were written with.
    assert moved["flights"][0]["arrival"] == "2027-02-01T11:50:00+01:00"
    assert moved["flights"][1]["arrival"] == "2027-02-01T14:30:00+00:00"


def test_rebase_keeps_the_local_wall_clock_across_a_dst_change(scenario_document: dict[str, Any]) -> None:
    scenario = check_document(scenario_document, rebase_to=dt.date(2027, 6, 1))

    nv117, pa2231 = scenario.flights
    assert str(nv117.ref) == "NV117/2027-06-01"
    # 08:25 in London and 11:50 in Warsaw, as in November, now on summer time.
    assert nv117.departure == dt.datetime(2027, 6, 1, 7, 25, tzinfo=UTC)
    assert nv117.arrival == dt.datetime(2027, 6, 1, 9, 50, tzinfo=UTC)
    assert pa2231.departure == dt.datetime(2027, 6, 1, 11, 0, tzinfo=UTC)
    assert [str(s.flight) for s in scenario.bookings[0].segments] == ["NV117/2027-06-01", "PA2231/2027-06-01"]
    assert scenario.hotels[1].rooms == {dt.date(2027, 6, 1): 10}


def test_a_rebased_flight_just_after_midnight_keeps_its_service_date(scenario_document: dict[str, Any]) -> None:
    # 00:30 summer time in Warsaw is 22:30 UTC the day before. A week later (after the end of summer time)
    # 22:30 UTC would be 23:30 local the day before: only a local wall-clock shift keeps the service date.
    scenario_document["flights"] = [_waw_flight("2026-10-24", "2026-10-24T00:30:00+02:00", "2026-10-24T02:00:00Z")]
    scenario_document["bookings"] = [
        {
            "locator": "NIGHT1",
            "passengers": [{"id": "NIGHT1-1", "first_name": "Alan", "last_name": "Turing"}],
            "segments": [{"flight": "NV200/2026-10-24", "cabin": "Y"}],
        }
    ]

    [flight] = check_document(scenario_document, rebase_to=dt.date(2026, 10, 31)).flights

    assert str(flight.ref) == "NV200/2026-10-31"
    assert flight.departure == dt.datetime(2026, 10, 30, 23, 30, tzinfo=UTC)
    # 02:00 UTC was 03:00 summer time in London: 03:00 a week later is winter time.
    assert flight.arrival == dt.datetime(2026, 10, 31, 3, 0, tzinfo=UTC)


def test_rebase_leaves_unreadable_values_for_the_rules(scenario_document: dict[str, Any]) -> None:
    scenario_document["flights"][1]["date"] = "2026-11-31"
    scenario_document["flights"][1]["departure"] = "2026-11-25T25:00:00+01:00"

    problems = problems_of(scenario_document, rebase_to=dt.date(2026, 12, 1))

    assert_reported(problems, "/flights/1/date", "'2026-11-31' is not a date")
    assert_reported(problems, "/flights/1/departure", "'2026-11-25T25:00:00+01:00' is not a date and time")
    # The readable flight moved with the references to it: its booking still finds it.
    assert not any(p.pointer.startswith("/bookings/1") for p in problems)


LONDON_WARSAW = {"LHR": ZoneInfo("Europe/London"), "WAW": ZoneInfo("Europe/Warsaw")}


@pytest.mark.parametrize(
    ("not_before", "days"),
    [
        # NV117 leaves London at 08:25 on 2026-11-25: at that very minute it is not too early.
        (dt.datetime(2027, 2, 1, 8, 25, tzinfo=UTC), 68),
        (dt.datetime(2027, 2, 1, 8, 26, tzinfo=UTC), 69),
        # 08:25 in London is 07:25 UTC in June.
        (dt.datetime(2027, 6, 1, 7, 25, tzinfo=UTC), 188),
        (dt.datetime(2027, 6, 1, 7, 26, tzinfo=UTC), 189),
        # The day before, and back in time.
        (dt.datetime(2026, 11, 24, 8, 25, tzinfo=UTC), -1),
        (dt.datetime(2026, 11, 25, 8, 25, tzinfo=UTC), 0),
    ],
)
def test_days_ahead_is_the_fewest_whole_days_that_keep_the_flights_from_leaving_early(
    scenario_document: dict[str, Any], not_before: dt.datetime, days: int
) -> None:
    assert days_ahead(scenario_document["flights"], LONDON_WARSAW, not_before) == dt.timedelta(days=days)


def test_days_ahead_counts_only_the_flights_given(scenario_document: dict[str, Any]) -> None:
    pa2231 = scenario_document["flights"][1]  # 13:00 in Warsaw (12:00 UTC); NV117 leaves London earlier
    assert days_ahead([pa2231], LONDON_WARSAW, dt.datetime(2026, 11, 26, 12, 0, tzinfo=UTC)) == dt.timedelta(days=1)
    assert days_ahead([pa2231], LONDON_WARSAW, dt.datetime(2026, 11, 26, 12, 1, tzinfo=UTC)) == dt.timedelta(days=2)


def test_days_ahead_needs_a_flight() -> None:
    with pytest.raises(ValueError, match="no flight to move"):
        days_ahead([], LONDON_WARSAW, dt.datetime(2026, 11, 26, tzinfo=UTC))


def test_shift_by_moves_the_document_by_those_days(scenario_document: dict[str, Any]) -> None:
    moved = shift_by(scenario_document, dt.timedelta(days=-3), LONDON_WARSAW)

    assert first_service_date(moved) == dt.date(2026, 11, 22)
    assert moved["flights"][1]["departure"] == "2026-11-22T13:00:00+01:00"
    assert moved["bookings"][0]["segments"][1]["flight"] == "PA2231/2026-11-22"
