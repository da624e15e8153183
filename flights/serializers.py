"""The public representations of a flight: its gate and its status. Flight facts only, never passenger data."""

from __future__ import annotations

import datetime as dt
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .models import Flight, FlightStatus


@extend_schema_field(OpenApiTypes.DATETIME)
class AirportTimeField(serializers.Field):
    """A time of the flight in the local time of one of its airports, ISO 8601 with the UTC offset."""

    def __init__(self, *, airport: str, **kwargs: Any) -> None:
        self.airport = airport
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, flight: Flight) -> str:
        moment: dt.datetime = getattr(flight, self.field_name)
        return moment.astimezone(getattr(flight, self.airport).tzinfo).isoformat()


class BlankAsNullCharField(serializers.CharField):
    """Text the model leaves blank when unknown, shown as null."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(allow_null=True, read_only=True, **kwargs)

    def to_representation(self, value: str) -> str | None:
        return value or None


class FlightGateSerializer(serializers.Serializer):
    """Where and when to board: the gate API's body. A cancelled flight has no gate and no estimated times."""

    # Null for a cancelled flight: nobody boards it, whatever its row still says.
    not_for_cancelled: tuple[str, ...] = ("gate", "estimated_departure")

    flight = serializers.CharField(source="designator", read_only=True, help_text="Normalised designator, e.g. NV117")
    date = serializers.DateField(source="service_date", read_only=True, help_text="Service date (local, origin)")
    origin = serializers.CharField(source="origin_id", read_only=True, help_text="IATA airport code")
    destination = serializers.CharField(source="destination_id", read_only=True, help_text="IATA airport code")
    terminal = BlankAsNullCharField(help_text="Departure terminal; null until assigned")
    gate = BlankAsNullCharField(help_text="Departure gate; null until assigned, and for a cancelled flight")
    status = serializers.ChoiceField(choices=FlightStatus.choices, read_only=True)
    scheduled_departure = AirportTimeField(airport="origin", help_text="Local time at the origin")
    estimated_departure = AirportTimeField(
        airport="origin", allow_null=True, help_text="Local time at the origin; null for a cancelled flight"
    )
    updated_at = serializers.DateTimeField(read_only=True, help_text="Last change of the flight (UTC)")

    def to_representation(self, flight: Flight) -> dict[str, Any]:
        data: dict[str, Any] = super().to_representation(flight)
        if flight.status == FlightStatus.CANCELLED:
            data.update(dict.fromkeys(self.not_for_cancelled, None))
        return data


class FlightStatusSerializer(FlightGateSerializer):
    """The flight-status API's body: the gate body and the arrival times."""

    not_for_cancelled = (*FlightGateSerializer.not_for_cancelled, "estimated_arrival")

    scheduled_arrival = AirportTimeField(airport="destination", help_text="Local time at the destination")
    estimated_arrival = AirportTimeField(
        airport="destination", allow_null=True, help_text="Local time at the destination; null for a cancelled flight"
    )
