"""The flight API for mobile clients: a flight's gate and its status, answered from the cache.

A GET whose flight is in this process's copy of the cache is answered in front of Django by the fast lane
(``flights.fast_lane``: no Redis round trip, the cached bytes are the body, the headers those Django sent for the
same kind of request), after the client's throttle allows it. Everything else (a miss, a malformed reference, a
throttled client, another method) takes the full DRF path, which owns the contract: errors in the API's shape,
throttling with ``Retry-After``, the OpenAPI schema.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils.http import parse_etags
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework.exceptions import APIException, NotFound
from rest_framework.request import Request

from airline.api_base import PublicAPIView
from airline.api_errors import ALLOW, ANY_REQUEST, RETRY_AFTER, Documented, error_responses
from airline.throttling import ClientRateThrottle, uncount
from observability import metrics

from . import gate_cache
from .designators import FlightRef, InvalidDesignator, parse_designator, parse_service_date
from .models import Flight
from .serializers import FlightGateSerializer, FlightStatusSerializer

# What flights.designators accepts, for the schema: a carrier, 1-4 digits but not all zeros, a suffix letter.
DESIGNATOR_PATTERN = r"^[A-Za-z0-9]{2}([1-9][0-9]{0,3}|0[1-9][0-9]{0,2}|00[1-9][0-9]?|000[1-9])[A-Za-z]?$"
# Clients must revalidate before every use (a 304 costs one cache read): never a stale gate on screen.
CACHE_CONTROL = "no-cache"


class InvalidDesignatorError(APIException):
    status_code = 400
    default_code = "invalid_designator"


class InvalidDateError(APIException):
    status_code = 400
    default_code = "invalid_date"


class FlightNotFound(NotFound):
    default_code = "flight_not_found"


def parse_ref(designator: str, date: str) -> FlightRef:
    """The flight reference of the URL, or a 400 saying which part is malformed."""
    try:
        parsed_designator = parse_designator(designator)
    except InvalidDesignator as exc:
        raise InvalidDesignatorError(str(exc)) from None
    try:
        return FlightRef(designator=parsed_designator, date=parse_service_date(date))
    except InvalidDesignator as exc:
        raise InvalidDateError(str(exc)) from None


def cached_response(request: HttpRequest, rendered: gate_cache.Rendered) -> HttpResponse:
    """200 with the rendered body, or 304 when the client's ``If-None-Match`` names its ETag."""
    headers = {"ETag": rendered.etag, "Cache-Control": CACHE_CONTROL}
    # META, not request.headers: building the latter parses every header, a cost on the hot path.
    if_none_match = request.META.get("HTTP_IF_NONE_MATCH")
    if if_none_match and etag_matches(if_none_match, rendered.etag):
        return HttpResponseNotModified(headers=headers)
    return HttpResponse(rendered.body, content_type="application/json", headers=headers)


def etag_matches(if_none_match: str, etag: str) -> bool:
    """Whether an ``If-None-Match`` value names ``etag`` (weak comparison, as RFC 9110 asks for GET)."""
    offered = parse_etags(if_none_match)
    return "*" in offered or etag in (tag.removeprefix("W/") for tag in offered)


def _documented(operation_id: str, summary: str, body: type, example: dict[str, Any]) -> Any:
    """The OpenAPI description shared by the flight endpoints: their parameters, headers and every response."""
    etag = OpenApiParameter("ETag", OpenApiTypes.STR, OpenApiParameter.HEADER, response=[200, 304])
    cache_control = OpenApiParameter(
        "Cache-Control", OpenApiTypes.STR, OpenApiParameter.HEADER, response=[200, 304], description=CACHE_CONTROL
    )
    return extend_schema_view(get=extend_schema(
        operation_id=operation_id,
        summary=summary,
        tags=["flights"],
        parameters=[
            OpenApiParameter(
                "designator", {"type": "string", "pattern": DESIGNATOR_PATTERN}, OpenApiParameter.PATH,
                description="IATA flight designator, case-insensitive, leading zeros ignored: NV117, nv0117, NV117A",
                examples=[OpenApiExample("NV117", value="NV117"), OpenApiExample("nv0117", value="nv0117")],
            ),
            OpenApiParameter(
                "date", OpenApiTypes.DATE, OpenApiParameter.PATH, description="Service date, YYYY-MM-DD",
                examples=[OpenApiExample("2026-11-25", value="2026-11-25")],
            ),
            OpenApiParameter(
                "If-None-Match", OpenApiTypes.STR, OpenApiParameter.HEADER,
                description="The ETag of the body the client holds: 304 if it is still current",
            ),
            etag,
            cache_control,
            RETRY_AFTER,
            ALLOW,
        ],
        responses={
            200: OpenApiResponse(body, description="The flight", examples=[OpenApiExample("NV117", example)]),
            304: OpenApiResponse(description="Not modified: the client's copy (If-None-Match) is current"),
            **error_responses(
                Documented(400, "invalid_designator", "'NV0' has flight number 0"),
                Documented(400, "invalid_date", "'2026-13-01' is not a date (YYYY-MM-DD)"),
                Documented(404, "flight_not_found", "no flight NV117/2026-11-25"),
                Documented(405, "method_not_allowed", 'Method "POST" not allowed.'),
                *ANY_REQUEST,
            ),
        },
    ))  # fmt: skip


class FlightView(PublicAPIView):
    """One representation of a flight (``representation``, a key of ``gate_cache.REPRESENTATIONS``)."""

    http_method_names = ["get", "head"]
    throttle_classes = [ClientRateThrottle]
    representation: str

    def throttled(self, request: Request, wait: float | None) -> None:
        """Refuse a client over its rate, unless it revalidates the cached body it holds: a 304 costs it nothing
        (the fast lane answers that request the same way)."""
        if not self._revalidates_cached(request):
            super().throttled(request, wait)

    def _revalidates_cached(self, request: Request) -> bool:
        if_none_match = request.META.get("HTTP_IF_NONE_MATCH")
        if not if_none_match:
            return False
        try:
            entry = gate_cache.cached(parse_ref(**self.kwargs))
        except APIException:
            return False
        return entry is not None and etag_matches(if_none_match, entry[self.representation].etag)

    def get(self, request: Request, designator: str, date: str) -> HttpResponse:
        ref = parse_ref(designator, date)
        entry = gate_cache.cached(ref)
        metrics.GATE_CACHE.labels("miss" if entry is None else "hit").inc()
        if entry is None:
            try:
                entry = gate_cache.load(ref)
            except Flight.DoesNotExist:
                raise FlightNotFound(f"no flight {ref}") from None
        response = cached_response(request, entry[self.representation])
        if response.status_code == HTTPStatus.NOT_MODIFIED:
            uncount(request)
        return response


_EXAMPLE = {
    "flight": "NV117",
    "date": "2026-11-25",
    "origin": "LHR",
    "destination": "WAW",
    "terminal": "5",
    "gate": "B32",
    "status": "delayed",
    "scheduled_departure": "2026-11-25T08:25:00+00:00",
    "estimated_departure": "2026-11-25T09:10:00+00:00",
    "updated_at": "2026-11-25T07:58:12.402113Z",
}


@_documented("flight_gate", "A flight's departure gate", FlightGateSerializer, _EXAMPLE)
class FlightGateView(FlightView):
    """``GET /api/v1/flights/{designator}/{date}/gate``: terminal, gate, status and departure times."""

    representation = "gate"


@_documented(
    "flight_status",
    "A flight's status",
    FlightStatusSerializer,
    {**_EXAMPLE, "scheduled_arrival": "2026-11-25T11:50:00+01:00", "estimated_arrival": "2026-11-25T12:35:00+01:00"},
)
class FlightStatusView(FlightView):
    """``GET /api/v1/flights/{designator}/{date}``: the gate's facts and the arrival times."""

    representation = "status"
