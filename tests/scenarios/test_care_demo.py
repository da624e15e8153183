"""The demo scenario's busiest evening flight delayed 7 hours with ``disrupt``: everyone gets care."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db.models import Count, Q
from django.utils import timezone

from events.models import Event
from flights.models import Flight
from lodging.models import HotelStay, RoomNight
from passengers.selectors import passengers_on_flight
from tests.support.flows import run_flow
from vouchers.models import MealVoucher

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 11, 25)


def test_a_seven_hour_evening_delay_gives_everyone_a_voucher_and_a_room_or_an_unaccommodated_stay() -> None:
    call_command("load_scenario", str(settings.CONTRACT_DIR / "demo.json"), "--replace", "--rebase", DAY.isoformat(),
                 stdout=StringIO(), stderr=StringIO())  # fmt: skip
    evening = (
        Flight.objects.filter(service_date=DAY, scheduled_departure__hour__gte=18, origin_id="LHR")
        .annotate(booked=Count("segments", filter=Q(segments__status="active")))
        .order_by("-booked")
        .first()
    )
    passengers = set(passengers_on_flight(evening.id, as_of=timezone.now()).values_list("id", flat=True))
    assert len(passengers) > 100

    call_command("disrupt", str(evening.designator), DAY.isoformat(), "--delay", "420", stdout=StringIO())
    run_flow(Event.objects.get(type="flight.delayed", flight=evening))

    vouchers = list(MealVoucher.objects.filter(flight=evening).values_list("passenger_id", flat=True))
    assert sorted(vouchers) == sorted(passengers), "exactly one voucher each"
    stays = list(HotelStay.objects.filter(airport="LHR", night=DAY).values_list("passenger_id", "status"))
    assert sorted(p for p, _ in stays) == sorted(passengers), "exactly one stay each at the origin"
    booked = sum(status == "booked" for _, status in stays)
    assert 0 < booked < len(passengers), "the rooms at LHR run out: the rest are unaccommodated"
    assert all(night.rooms_used <= night.rooms for night in RoomNight.objects.all())
