"""The partner sandbox: a built-in inbox that checks and records partner messages like a partner would.

Enabled only with ``PARTNER_SANDBOX_ENABLED`` (the local demo points its partners at it).
"""

from __future__ import annotations

import json

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from flights.models import Airline

from .models import SandboxDelivery
from .signing import is_valid


def _kind(body: bytes) -> str:
    try:
        kind = json.loads(body).get("kind", "")
    except (ValueError, AttributeError):
        return ""
    return kind[:32] if isinstance(kind, str) else ""


@csrf_exempt
@require_POST
def partner_inbox(request: HttpRequest, code: str) -> HttpResponse:
    """Record a partner message: 201 when new, 200 for a repeated Idempotency-Key, 401 on a bad signature."""
    if not settings.PARTNER_SANDBOX_ENABLED:
        raise Http404("the partner sandbox is disabled")
    partner = get_object_or_404(Airline, code=code.upper(), own=False)
    body = request.body
    key = request.headers.get("Idempotency-Key", "")[:100]
    valid = is_valid(body, partner.secret, request.headers.get("X-Signature", ""))
    delivery = SandboxDelivery(
        partner=partner,
        idempotency_key=key,
        kind=_kind(body),
        body=body.decode(errors="replace"),
        signature_valid=valid,
    )
    if not valid:
        delivery.save()
        return JsonResponse({"error": "invalid signature"}, status=401)
    try:
        with transaction.atomic():
            delivery.save()
    except IntegrityError:
        return JsonResponse({"received": key, "duplicate": True}, status=200)
    return JsonResponse({"received": key, "duplicate": False}, status=201)
