"""Passengers' choices on their reaccommodation (REST): see the new itinerary, accept, decline, or ask a refund."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import APIException, NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from airline.api_base import PublicAPIView
from airline.api_errors import ErrorSerializer
from airline.throttling import ClientRateThrottle
from flights.models import Flight

from .manual import DecisionError, decide
from .models import CaseStatus, Reaccommodation
from .passenger_access import booking_for

CHOICES = {
    CaseStatus.REBOOKED: ["accept", "decline"],
    CaseStatus.ACCEPTED: ["decline"],
    CaseStatus.DECLINED: ["accept"],
    CaseStatus.UNPROTECTED: [],
    CaseStatus.REFUNDED: [],
}


class BookingThrottle(ClientRateThrottle):
    """A tight rate for booking look-ups, so locators and names cannot be guessed."""

    scope = "booking"


class BookingNotFound(NotFound):
    default_code = "booking_not_found"
    default_detail = "No booking matches that locator and last name."


class ChoiceRefused(APIException):
    status_code = 409
    default_code = "choice_not_allowed"


class CredentialsSerializer(serializers.Serializer):
    last_name = serializers.CharField(max_length=100, help_text="The last name of any passenger of the booking.")


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
    refund_allowed = serializers.BooleanField()
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
    """The passenger's view of a case (one query for the flights)."""
    ids = {leg["flight_id"] for leg in case.old + case.new}
    flights = Flight.objects.in_bulk(ids)
    choices = list(CHOICES[case.status])
    if case.refund_allowed and case.status != CaseStatus.REFUNDED:
        choices.append("refund")
    return {
        "locator": case.booking.locator,
        "status": case.status,
        "cause": case.cause,
        "disrupted_flight": str(case.disrupted_flight.ref),
        "old": _legs(case.old, flights),
        "new": _legs(case.new, flights),
        "arrival_delay_minutes": case.arrival_delay_minutes,
        "refund_allowed": case.refund_allowed,
        "choices": choices,
    }


class _CaseView(PublicAPIView):
    throttle_classes = [BookingThrottle]

    def case(self, request: Request, locator: str) -> Reaccommodation:
        credentials = CredentialsSerializer(data=request.data)
        credentials.is_valid(raise_exception=True)
        booking = booking_for(locator, credentials.validated_data["last_name"])
        case = (
            Reaccommodation.objects.filter(booking=booking).select_related("booking", "disrupted_flight").first()
            if booking
            else None
        )
        if case is None:
            raise BookingNotFound
        return case


_ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="Missing or malformed last name"),
    404: OpenApiResponse(ErrorSerializer, description="No booking with that locator and last name has a case"),
    429: OpenApiResponse(ErrorSerializer, description="Too many attempts: see Retry-After"),
}


class ReaccommodationView(_CaseView):
    """The booking's latest reaccommodation: old and new journeys and what the passenger may choose."""

    @extend_schema(
        operation_id="reaccommodation_view",
        summary="See your new itinerary",
        request=CredentialsSerializer,
        responses={200: ReaccommodationSerializer, **_ERRORS},
    )
    def post(self, request: Request, locator: str) -> Response:
        return Response(describe(self.case(request, locator)))


class ReaccommodationChoiceView(_CaseView):
    """Accept or decline the new itinerary, or ask for a refund (after a cancellation or a 300-minute delay)."""

    @extend_schema(
        operation_id="reaccommodation_choose",
        summary="Accept, decline or ask for a refund",
        request=CredentialsSerializer,
        responses={
            200: ReaccommodationSerializer,
            **_ERRORS,
            409: OpenApiResponse(ErrorSerializer, description="That choice is not open for this case now"),
        },
    )
    def post(self, request: Request, locator: str, choice: str) -> Response:
        case = self.case(request, locator)
        try:
            case = decide(case, choice=choice, by="passenger")
        except DecisionError as exc:
            raise ChoiceRefused(str(exc)) from None
        return Response(describe(Reaccommodation.objects.select_related("booking", "disrupted_flight").get(pk=case.pk)))
