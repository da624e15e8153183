"""The public API's base view (anonymous, JSON only) and its answer to URLs that name no endpoint."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.utils.mediatypes import media_type_matches
from rest_framework.views import APIView


class JSONOnlyNegotiation(BaseContentNegotiation):
    """The API speaks JSON whatever the ``Accept`` header says (no 406, and no negotiation cost per request), and
    reads only the bodies its parsers declare (JSON): another ``Content-Type`` is a 415."""

    def select_renderer(
        self, request: Request, renderers: Sequence[BaseRenderer], format_suffix: str | None = None
    ) -> tuple[BaseRenderer, str]:
        return renderers[0], renderers[0].media_type

    def select_parser(self, request: Request, parsers: Sequence[Any]) -> Any:
        """The parser of the body's media type, or None (DRF then answers 415)."""
        return next((parser for parser in parsers if media_type_matches(parser.media_type, request.content_type)), None)


class PublicAPIView(APIView):
    """Base of the public API's views: no authentication (no user data behind them), JSON only, throttled."""

    authentication_classes = []
    permission_classes = []
    renderer_classes = [JSONRenderer]
    content_negotiation_class = JSONOnlyNegotiation


@extend_schema_field({"type": "string", "pattern": "^[^\\u0000]*$"})
class BodyTextField(serializers.CharField):
    """Text read from a request body as it is, not trimmed, so the schema says what the server accepts: a value of
    spaces is a value. DRF refuses NUL characters (PostgreSQL cannot store them); the schema's pattern says so."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(trim_whitespace=False, **kwargs)


@extend_schema(exclude=True)
class UnknownEndpointView(PublicAPIView):
    """Any URL under ``/api/`` that names no endpoint: 404 in the API's error shape, whatever the method."""

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # throttled like any other request
        raise NotFound(f"no API endpoint at {request.path}")
