"""Admin login throttling (django-axes): the client address that failures count against, and the lockout page."""

from __future__ import annotations

from typing import Any

from axes.helpers import get_client_username
from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from airline.throttling import ClientRateThrottle


def client_ip(request: HttpRequest) -> str:
    """The address the API throttles by: ``REMOTE_ADDR``, or behind ``API_NUM_PROXIES`` trusted proxies the
    address the first of them saw, so operators behind the proxy are not all one client to Axes."""
    return ClientRateThrottle().get_ident(request)


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict[str, Any] | None
) -> HttpResponse:
    """The answer to a locked-out login: a 429 page in the admin's look saying how long the lock lasts."""
    context = {
        **admin.site.each_context(request),
        "title": "Login locked",
        "username": get_client_username(request, credentials) or "",
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cooloff_minutes": round(settings.AXES_COOLOFF_TIME.total_seconds() / 60),
    }
    # Rendered here, not a TemplateResponse: Axes' middleware swaps responses after Django renders them.
    return render(request, "admin/lockout.html", context, status=429)
