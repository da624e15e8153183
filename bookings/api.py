"""``POST /api/v1/bookings/lookup``: a passenger's booking after a disruption, for a passenger app.

The locator and last name travel in the JSON body, never in a URL (URLs end up in logs and histories); any
mismatch is the same 404 (``rebooking.passenger_access``). Throttled per booking like the other booking
endpoints, on the same counter.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from airline.api_base import BodyTextField, PublicAPIView
from airline.api_errors import ALLOW, RETRY_AFTER, error_responses
from airline.throttling import ClientRateThrottle
from compensation.models import CompensationRegime, EntitlementStatus
from flights.serializers import FlightStatusSerializer
from lodging.models import StayStatus
from rebooking.api import BOOKING_ERRORS, BookingThrottle, CredentialsSerializer, proven_booking
from rebooking.models import CaseStatus, Cause
from rebooking.refusals import Refusal
from vouchers.models import VoucherStatus

from .examples import BOOKING_EXAMPLE
from .selectors import booking_view


class BookingLookupSerializer(CredentialsSerializer):
    locator = BodyTextField(
        min_length=1, max_length=100, help_text="The booking's locator, case-insensitive, surrounding spaces ignored."
    )


class BookingLegSerializer(serializers.Serializer):
    cabin = serializers.CharField(help_text="The cabin booked: F, J, W or Y")
    flight = FlightStatusSerializer(
        help_text="The flight as it is now, times local with their offsets (a cancelled flight has no gate)"
    )


class BookingReaccommodationSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=CaseStatus.choices, source="case.status")
    cause = serializers.ChoiceField(choices=Cause.choices, source="case.cause")
    disrupted_flight = serializers.CharField(source="case.disrupted_flight.ref", help_text="DESIGNATOR/DATE")
    old = BookingLegSerializer(many=True, help_text="The journey the reaccommodation replaced")
    new = BookingLegSerializer(many=True, help_text="The new itinerary (empty after a refund with no rebooking)")
    arrival_delay_minutes = serializers.IntegerField(
        source="case.arrival_delay_minutes", allow_null=True, help_text="At the final destination, against the ticket"
    )
    choices = serializers.ListField(child=serializers.CharField(), help_text="What the passengers may choose now")


class RefundSerializer(serializers.Serializer):
    allowed = serializers.BooleanField(help_text="A refund may be chosen now (POST …/reaccommodation/refund)")
    refusal = serializers.ChoiceField(
        choices=[(r.value, r.value) for r in Refusal], allow_null=True, help_text="Why not, when not allowed"
    )


class MealVoucherSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="To show at the airport's outlets")
    amount = serializers.DecimalField(max_digits=8, decimal_places=2)
    currency = serializers.CharField(help_text="ISO 4217")
    status = serializers.ChoiceField(choices=VoucherStatus.choices)
    airport = serializers.CharField(source="airport_id", help_text="Where it may be spent (IATA)")
    flight = serializers.CharField(source="flight.ref", help_text="The disrupted flight, DESIGNATOR/DATE")


class HotelStaySerializer(serializers.Serializer):
    hotel = serializers.CharField(source="hotel.name", allow_null=True, help_text="Null: no room yet (we are on it)")
    night = serializers.DateField(help_text="The night that begins that evening, local time")
    airport = serializers.CharField(source="airport_id")
    status = serializers.ChoiceField(choices=StayStatus.choices)


class CompensationSerializer(serializers.Serializer):
    regime = serializers.ChoiceField(choices=CompensationRegime.choices, help_text="The law it is owed under")
    amount = serializers.DecimalField(max_digits=8, decimal_places=2)
    currency = serializers.CharField(help_text="ISO 4217: EUR under EU261, GBP under UK261")
    status = serializers.ChoiceField(choices=EntitlementStatus.choices)
    reason = serializers.CharField(help_text="The rule applied, in words")


class RightsNoticeSerializer(serializers.Serializer):
    flight = serializers.CharField(source="flight.ref", help_text="The disrupted flight, DESIGNATOR/DATE")
    regime = serializers.ChoiceField(choices=CompensationRegime.choices)
    subject = serializers.CharField(source="text.subject")
    text = serializers.CharField(source="text.body", help_text="The notice as it was sent")


class PassengerSerializer(serializers.Serializer):
    first_name = serializers.CharField(source="passenger.first_name")
    last_name = serializers.CharField(source="passenger.last_name")
    meal_vouchers = MealVoucherSerializer(many=True)
    hotel_stays = HotelStaySerializer(many=True)
    compensation = CompensationSerializer(allow_null=True, help_text="Null: none assessed for this journey")
    rights_notices = RightsNoticeSerializer(
        many=True,
        help_text="The written notices of rights sent to the passenger (none sent to a passenger with neither email "
        "nor phone: theirs is printed at the gate)",
    )


class BookingSerializer(serializers.Serializer):
    locator = serializers.CharField(source="booking.locator")
    journey = BookingLegSerializer(many=True, help_text="The flights the booking holds now, in travel order")
    reaccommodation = BookingReaccommodationSerializer(
        allow_null=True, help_text="The latest reaccommodation; null when the journey needed none"
    )
    refund = RefundSerializer(
        help_text="The refund option. It has no deadline: it stays open while the flight gives the right (a "
        "cancellation, or a departure delay of 300 minutes or more, under EU261 or UK261)"
    )
    passengers = PassengerSerializer(many=True)


class BookingLookupView(PublicAPIView):
    """A passenger's booking after a disruption: flights, new itinerary, care, compensation, refund, rights."""

    throttle_classes = [ClientRateThrottle, BookingThrottle]

    def locator(self, request: Request) -> str | None:
        """The booking the body names (for its throttle), None when it names none: read as ``BookingLookupSerializer``
        reads it (a number is text too), so no spelling of a locator escapes its booking's count."""
        data: Any = request.data
        locator = data.get("locator") if isinstance(data, dict) else None
        return str(locator) if isinstance(locator, str | int | float) and not isinstance(locator, bool) else None

    @extend_schema(
        operation_id="booking_lookup",
        summary="See your booking after a disruption",
        tags=["bookings"],
        parameters=[RETRY_AFTER, ALLOW],
        request=BookingLookupSerializer,
        examples=[
            OpenApiExample("Locator and last name", {"locator": "K7P2QD", "last_name": "Smith"}, request_only=True),
            OpenApiExample("Rebooked after a cancellation", BOOKING_EXAMPLE, response_only=True),
        ],
        responses={200: BookingSerializer, **error_responses(*BOOKING_ERRORS)},
    )
    def post(self, request: Request) -> Response:
        credentials = BookingLookupSerializer(data=request.data)
        credentials.is_valid(raise_exception=True)
        booking = proven_booking(credentials.validated_data["locator"], credentials.validated_data["last_name"])
        return Response(BookingSerializer(booking_view(booking)).data)
