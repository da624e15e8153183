"""Passengers' choices on their reaccommodation (REST): see the new itinerary, accept, decline, or ask a refund.

A refund is open to every passenger of a flight cancelled or delayed 300 minutes or more where EU261 or UK261
applies, with or without a reaccommodation case: the refund endpoint works for any such booking (it records
the refund on a new case when the booking has none). A choice that is not open answers 409 with the reason.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import APIException, NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from airline.api_base import BodyTextField, PublicAPIView
from airline.api_errors import ALLOW, ANY_REQUEST, RETRY_AFTER, WITH_BODY, Documented, error_responses
from airline.throttling import ClientRateThrottle
from flights.models import Flight
from passengers.models import Booking

from .choices import REFUND, decide, passenger_choices, refund
from .models import CaseStatus, Reaccommodation
from .passenger_access import booking_for, normalise_locator
from .refusals import DecisionError, Refusal
from .selectors import refund_refused


class BookingThrottle(ClientRateThrottle):
    """A tight rate per booking, so nobody can try name after name on one locator; counted per booking, not per
    address, so a crowd behind one airport Wi-Fi address is not locked out (they have the client rate).

    The view names the booking: ``view.locator(request)``, None when the request names none (a body the view
    refuses with a 400; only the client rate counts it)."""

    scope = "booking"

    def allow_request(self, request: Any, view: Any) -> bool:
        return view.locator(request) is None or super().allow_request(request, view)

    def ident(self, request: HttpRequest, view: Any) -> str:
        return normalise_locator(view.locator(request))


class BookingNotFound(NotFound):
    default_code = "booking_not_found"
    default_detail = "No booking matches that locator and last name."


class ChoiceRefused(APIException):
    """409: the choice is not open now; ``reason`` (a ``rebooking.refusals.Refusal``) says why."""

    status_code = 409
    default_code = "choice_not_allowed"

    def __init__(self, refused: DecisionError) -> None:
        super().__init__(str(refused))
        self.reason = str(refused.reason)


class CredentialsSerializer(serializers.Serializer):
    # A blank name is refused; a name of spaces matches nobody (404).
    last_name = BodyTextField(min_length=1, max_length=100, help_text="The last name of any passenger of the booking.")


class LegSerializer(serializers.Serializer):
    flight = serializers.CharField(help_text="DESIGNATOR/DATE")
    cabin = serializers.CharField()
    origin = serializers.CharField()
    destination = serializers.CharField()
    departure = serializers.DateTimeField(help_text="Estimated departure")
    arrival = serializers.DateTimeField(help_text="Estimated arrival")


class ReaccommodationSerializer(serializers.Serializer):
    locator = serializers.CharField()
    status = serializers.ChoiceField(choices=CaseStatus.choices)
    cause = serializers.CharField()
    disrupted_flight = serializers.CharField()
    old = LegSerializer(many=True)
    new = LegSerializer(many=True)
    arrival_delay_minutes = serializers.IntegerField(allow_null=True)
    refund_allowed = serializers.BooleanField(help_text="A refund may be chosen now (the flight's state and law).")
    choices = serializers.ListField(child=serializers.CharField(), help_text="What the passenger may choose now.")


def _legs(legs: list[dict[str, Any]], flights: dict[int, Flight]) -> list[dict[str, Any]]:
    return [
        {
            "flight": leg["flight"],
            "cabin": leg["cabin"],
            "origin": flights[leg["flight_id"]].origin_id,
            "destination": flights[leg["flight_id"]].destination_id,
            "departure": flights[leg["flight_id"]].estimated_departure,
            "arrival": flights[leg["flight_id"]].estimated_arrival,
        }
        for leg in legs
    ]


def describe(case: Reaccommodation) -> dict[str, Any]:
    """The passenger's view of a case (a few queries: the flights, and the refund right of the booking now)."""
    ids = {leg["flight_id"] for leg in case.old + case.new}
    flights = Flight.objects.in_bulk(ids)
    refund_allowed = refund_refused(case.booking_id) is None
    return {
        "locator": case.booking.locator,
        "status": case.status,
        "cause": case.cause,
        "disrupted_flight": str(case.disrupted_flight.ref),
        "old": _legs(case.old, flights),
        "new": _legs(case.new, flights),
        "arrival_delay_minutes": case.arrival_delay_minutes,
        "refund_allowed": refund_allowed,
        "choices": passenger_choices(case, refund_allowed=refund_allowed),
    }


def proven_booking(locator: str, last_name: str) -> Booking:
    """The booking the locator and last name prove, or :class:`BookingNotFound` (the same for any mismatch)."""
    booking = booking_for(locator, last_name)
    if booking is None:
        raise BookingNotFound
    return booking


class _CaseView(PublicAPIView):
    throttle_classes = [ClientRateThrottle, BookingThrottle]

    def locator(self, request: Request) -> str:
        """The booking the request names (for its throttle): the URL's locator."""
        return str(self.kwargs["locator"])

    def booking(self, request: Request, locator: str) -> Booking:
        """The booking the locator and last name prove, or 404."""
        credentials = CredentialsSerializer(data=request.data)
        credentials.is_valid(raise_exception=True)
        return proven_booking(locator, credentials.validated_data["last_name"])

    def case(self, booking: Booking) -> Reaccommodation:
        """The booking's latest case, or 404."""
        case = _cases().filter(booking=booking).first()
        if case is None:
            raise BookingNotFound
        return case


def _cases() -> QuerySet[Reaccommodation]:
    return Reaccommodation.objects.select_related("booking", "disrupted_flight").order_by("-created_at", "-id")


_LOCATOR = OpenApiParameter(
    "locator",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    description="The booking's locator, case-insensitive",
    examples=[OpenApiExample("K7P2QD", value="K7P2QD")],
)
_CHOICE = OpenApiParameter(
    "choice",
    {"type": "string", "enum": ["accept", "decline", REFUND], "pattern": "^(accept|decline|refund)$"},
    OpenApiParameter.PATH,
    description="accept or decline the new itinerary, or ask for a refund",
)
_CREDENTIALS = [OpenApiExample("Last name", {"last_name": "Smith"}, request_only=True)]
BOOKING_ERRORS = (
    Documented(400, "invalid", "last_name: This field is required."),
    *WITH_BODY,
    Documented(404, "booking_not_found", BookingNotFound.default_detail),
    Documented(405, "method_not_allowed", 'Method "GET" not allowed.'),
    *ANY_REQUEST,
)
_CASE_EXAMPLE = OpenApiExample(
    "Rebooked after a cancellation",
    {
        "locator": "K7P2QD",
        "status": "rebooked",
        "cause": "cancelled",
        "disrupted_flight": "NV117/2026-11-25",
        "old": [{"flight": "NV117/2026-11-25", "cabin": "Y", "origin": "LHR", "destination": "WAW",
                 "departure": "2026-11-25T08:25:00Z", "arrival": "2026-11-25T10:50:00Z"}],
        "new": [{"flight": "NV119/2026-11-25", "cabin": "Y", "origin": "LHR", "destination": "WAW",
                 "departure": "2026-11-25T14:05:00Z", "arrival": "2026-11-25T16:30:00Z"}],
        "arrival_delay_minutes": 340,
        "refund_allowed": True,
        "choices": ["accept", "decline", REFUND],
    },
    response_only=True,
)  # fmt: skip


class ReaccommodationView(_CaseView):
    """The booking's latest reaccommodation: old and new journeys and what the passenger may choose."""

    @extend_schema(
        operation_id="reaccommodation_view",
        summary="See your new itinerary",
        tags=["bookings"],
        parameters=[_LOCATOR, RETRY_AFTER, ALLOW],
        request=CredentialsSerializer,
        examples=[*_CREDENTIALS, _CASE_EXAMPLE],
        responses={200: ReaccommodationSerializer, **error_responses(*BOOKING_ERRORS)},
    )
    def post(self, request: Request, locator: str) -> Response:
        return Response(describe(self.case(self.booking(request, locator))))


class ReaccommodationChoiceView(_CaseView):
    """Accept or decline the new itinerary, or ask for a refund (after a cancellation or a 300-minute delay, where
    EU261 or UK261 applies: also without a reaccommodation case)."""

    @extend_schema(
        operation_id="reaccommodation_choose",
        summary="Accept, decline or ask for a refund",
        tags=["bookings"],
        parameters=[_LOCATOR, _CHOICE, RETRY_AFTER, ALLOW],
        request=CredentialsSerializer,
        examples=[*_CREDENTIALS, _CASE_EXAMPLE],
        responses={
            200: ReaccommodationSerializer,
            **error_responses(
                *BOOKING_ERRORS,
                Documented(
                    409,
                    "choice_not_allowed",
                    "a refund is offered after a cancellation or a delay of 300 minutes or more",
                    reason=Refusal.DELAY_UNDER_300_MINUTES,
                ),
            ),
        },
    )
    def post(self, request: Request, locator: str, choice: str) -> Response:
        booking = self.booking(request, locator)
        try:
            if choice == REFUND:
                case = refund(booking_id=booking.id, by="passenger")
            else:
                case = decide(self.case(booking), choice=choice, by="passenger")
        except DecisionError as exc:
            raise ChoiceRefused(exc) from None
        return Response(describe(_cases().get(pk=case.pk)))
