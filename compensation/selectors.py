"""Compensation's reads: whole journeys of bookings (the band is the whole journey's), in bulk."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from django.db.models import QuerySet

from flights.models import Airport
from passengers.models import Passenger, Segment, SegmentStatus
from rights.bands import Band, band_between


@dataclass(frozen=True)
class Journey:
    """Where a booking's journey starts and finally ends, and the flight of its final segment when that segment
    is active (None when the journey's end was replaced or cancelled)."""

    origin: Airport
    destination: Airport
    last_flight_id: int | None

    @property
    def band(self) -> Band:
        """The distance band of the whole journey (connections do not add up)."""
        return band_between(self.origin, self.destination)


class _Leg(NamedTuple):
    booking_id: int
    position: int
    status: str
    flight_id: int
    origin: str
    destination: str


def journeys(booking_ids: Iterable[int] | QuerySet) -> dict[int, Journey]:
    """Every booking's journey, by booking id (two queries).

    Segments of every status count: a segment replaced by rebooking keeps its position, and the new itinerary
    ends at the same final destination; an onward segment cancelled for an unprotected party still marks the
    journey as not ending where the passenger now is.
    """
    legs = (
        Segment.objects.filter(booking_id__in=booking_ids)
        .order_by("booking_id", "position", "id")
        .values_list("booking_id", "position", "status", "flight_id", "flight__origin_id", "flight__destination_id")
    )
    first: dict[int, _Leg] = {}
    last: dict[int, list[_Leg]] = {}
    for leg in map(_Leg._make, legs):
        first.setdefault(leg.booking_id, leg)
        tail = last.get(leg.booking_id)
        if tail is None or leg.position > tail[0].position:
            last[leg.booking_id] = [leg]
        else:
            tail.append(leg)
    ends = {leg.origin for leg in first.values()} | {tail[0].destination for tail in last.values()}
    airports = Airport.objects.in_bulk(ends)
    return {
        booking_id: Journey(
            origin=airports[first[booking_id].origin],
            destination=airports[tail[0].destination],
            last_flight_id=next((leg.flight_id for leg in tail if leg.status == SegmentStatus.ACTIVE), None),
        )
        for booking_id, tail in last.items()
    }


def passengers_by_booking(booking_ids: Iterable[int]) -> dict[int, list[int]]:
    """The passenger ids of each booking (one query)."""
    passengers: dict[int, list[int]] = defaultdict(list)
    rows = (
        Passenger.objects.filter(booking_id__in=list(booking_ids))
        .order_by("booking_id", "id")
        .values_list("booking_id", "id")
    )
    for booking_id, passenger_id in rows:
        passengers[booking_id].append(passenger_id)
    return passengers
