"""Who may read ``/metrics``: a client on an allowed network, or one presenting the bearer token.

The client address is the connection's (``REMOTE_ADDR``), never a forwarded header a client could write; a
Prometheus behind a proxy presents the token instead.
"""

from __future__ import annotations

import hmac
import ipaddress
from http import HTTPStatus

from django.conf import settings
from django.http import HttpRequest, HttpResponse


def _allowed_address(request: HttpRequest) -> bool:
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(address in network for network in settings.METRICS_ALLOWED_NETWORKS)


def _refuse(status: HTTPStatus, text: str) -> HttpResponse:
    response = HttpResponse(f"{text}\n", status=status, content_type="text/plain; charset=utf-8")
    if status == HTTPStatus.UNAUTHORIZED:
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
    return response


def refusal(request: HttpRequest) -> HttpResponse | None:
    """None if the request may read the metrics, else the 401 or 403 answer saying why."""
    token = settings.METRICS_TOKEN
    scheme, _, credentials = request.headers.get("Authorization", "").partition(" ")
    presented = credentials.strip() if scheme.lower() == "bearer" else ""
    if token and presented and hmac.compare_digest(presented.encode(), token.encode()):
        return None
    if _allowed_address(request):
        return None
    if not token:
        return _refuse(HTTPStatus.FORBIDDEN, "metrics: this address is not in METRICS_ALLOWED_NETWORKS")
    if not presented:
        return _refuse(HTTPStatus.UNAUTHORIZED, "metrics: send Authorization: Bearer <METRICS_TOKEN>")
    return _refuse(HTTPStatus.FORBIDDEN, "metrics: wrong token")
