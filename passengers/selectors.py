"""Reads of passengers: who is on which flight."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from .models import Passenger, Segment, SegmentStatus


def passengers_on_flight(flight_id: int, as_of: dt.datetime) -> QuerySet[Passenger]:
    """Every passenger whose journey included the flight at ``as_of`` (rebooking may have moved them since)."""
    return Passenger.objects.filter(
        booking_id__in=segments_as_of(as_of).filter(flight_id=flight_id).values("booking_id")
    )


def segments_as_of(moment: dt.datetime) -> QuerySet[Segment]:
    """The segments that were active at ``moment``: the journeys as an event published then saw them."""
    return Segment.objects.filter(
        Q(added_at__isnull=True) | Q(added_at__lte=moment),
        Q(status=SegmentStatus.ACTIVE) | Q(ended_at__gt=moment),
    )
