"""The local demo's network (``scenarios.demo_network``) and ``load_demo``: generated for the days after now,
loaded through the scenario checks, and its scripted first disruption."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db.models import F

from events.models import Event
from flights.models import Airline, Flight
from flights.selectors import regimes_of
from passengers.models import Booking
from rebooking.models import Reaccommodation
from rights.regime import Regime
from scenarios.demo_disruption import DELAY_MINUTES, WITHIN
from scenarios.demo_network import HUB, demo_network
from scenarios.records import FlightRecord, Scenario
from scenarios.validation import check_document
from tests.conftest import minimal_scenario
from tests.support.clock import WorldClock
from tests.support.flows import run_flow
from vouchers.models import MealVoucher

NOW = dt.datetime(2026, 11, 25, 9, 41, tzinfo=dt.UTC)
#: The day before Europe's clocks go forward (2026-03-29, 01:00 UTC): offsets change within the network.
BEFORE_DST = dt.datetime(2026, 3, 28, 4, 0, tzinfo=dt.UTC)


def checked(now: dt.datetime = NOW, seed: int = 1) -> Scenario:
    return check_document(demo_network(now, seed))


@pytest.mark.parametrize("now", [NOW, BEFORE_DST], ids=["november", "before-dst"])
def test_the_network_passes_the_scenario_checks_with_every_flight_after_now_for_at_least_two_days(
    now: dt.datetime,
) -> None:
    scenario = checked(now)

    departures = [flight.departure for flight in scenario.flights]
    assert min(departures) > now
    assert max(departures) - min(departures) >= dt.timedelta(days=2)
    assert 300 <= len(scenario.bookings) <= 1500


def test_its_times_are_written_on_the_local_clock_of_each_airport() -> None:
    document = demo_network(BEFORE_DST)

    def offsets(airport: str) -> set[str]:
        return {f["departure"][-6:] for f in document["flights"] if f["origin"] == airport}

    assert offsets("WAW") == {"+01:00", "+02:00"}, "CET, then CEST after the change"
    assert offsets(HUB) == {"+00:00", "+01:00"}, "GMT, then BST"
    assert offsets("BOS") == {"-04:00"}, "already on summer time"


def test_the_same_now_and_seed_give_the_same_network_and_another_seed_another() -> None:
    assert demo_network(NOW, 7) == demo_network(NOW, 7)
    assert demo_network(NOW, 7)["bookings"] != demo_network(NOW, 8)["bookings"]


def test_connecting_passengers_at_the_hub_have_a_later_flight_with_spare_seats_on_their_onward_route() -> None:
    scenario = checked()
    onward_flights = {
        booking.locator: (booking.segments[1], len(booking.passengers))
        for booking in scenario.bookings
        if len(booking.segments) == 2
    }
    flights = {flight.ref: flight for flight in scenario.flights}
    # The last day's connections may have nothing later within the network's horizon.
    early = {
        locator: (segment, party)
        for locator, (segment, party) in onward_flights.items()
        if flights[segment.flight].departure < NOW + dt.timedelta(days=2)
    }
    assert len(early) > 100
    assert all(flights[segment.flight].origin == HUB for segment, _ in early.values())

    def has_alternative(onward: FlightRecord, cabin: str, party: int) -> bool:
        return any(
            (f.origin, f.destination) == (onward.origin, onward.destination)
            and f.departure > onward.departure
            and f.seats.get(cabin, 0) - f.booked[cabin] >= party
            for f in scenario.flights
        )

    assert all(has_alternative(flights[segment.flight], segment.cabin, party) for segment, party in early.values())


@pytest.mark.django_db
def test_load_demo_replaces_the_earlier_scenario_and_shows_every_regime(clock: WorldClock, tmp_path: Path) -> None:
    clock.freeze(NOW)
    minimal = tmp_path / "minimal.json"
    minimal.write_text(json.dumps(minimal_scenario()))
    call_command("load_scenario", str(minimal), stdout=StringIO())
    assert Airline.objects.filter(code="PA", country="").exists()

    out = StringIO()
    call_command("load_demo", stdout=out)

    scenario = checked()
    assert "Loaded 'demo network from 2026-11-25 09:41 UTC, seed=1'" in out.getvalue()
    assert Flight.objects.count() == len(scenario.flights)
    assert Booking.objects.count() == len(scenario.bookings)
    assert not Flight.objects.filter(origin_id="XQA").exists(), "the minimal scenario is gone"
    assert not Event.objects.exists(), "without --first-disruption nothing is disrupted"
    regimes = set(regimes_of(list(Flight.objects.values_list("id", flat=True))).values())
    assert regimes == {Regime.EU261, Regime.UK261, Regime.NONE}


@pytest.mark.django_db
def test_the_first_disruption_delays_a_flight_into_the_hub_soon_and_its_flow_misconnects_and_feeds(
    clock: WorldClock,
) -> None:
    clock.freeze(NOW)
    out = StringIO()
    call_command("load_demo", "--first-disruption", stdout=out)

    root = Event.objects.get(id=F("root_id"))
    flight = root.flight
    assert root.type == "flight.delayed"
    assert root.payload["delay_minutes"] == DELAY_MINUTES
    assert flight.destination_id == HUB
    assert NOW < flight.scheduled_departure <= NOW + WITHIN
    assert f"First disruption: {flight}" in out.getvalue()

    run_flow(root)
    assert Event.objects.filter(id=F("root_id")).count() == 1, "one root event: the rest is its flow"
    assert Reaccommodation.objects.filter(status="rebooked").exists(), "misconnects at the hub were rebooked"
    assert MealVoucher.objects.filter(flight=flight).exists()
