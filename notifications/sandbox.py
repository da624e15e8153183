"""The partner sandbox: a built-in inbox that checks and records partner messages like a partner would.

Its HTTP inbox is enabled only with ``PARTNER_SANDBOX_ENABLED`` (the local demo points its partners at it);
a drill's partner messages are recorded here in-process, whatever the partner's endpoint (see
``partner_delivery``).
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


def record(partner: Airline, body: bytes, *, idempotency_key: str, signature: str) -> tuple[int, dict[str, object]]:
    """Record one partner message as the inbox receives it; return the answer's status code and JSON body."""
    key = idempotency_key[:100]
    valid = is_valid(body, partner.secret, signature)
    delivery = SandboxDelivery(
        partner=partner,
        idempotency_key=key,
        kind=_kind(body),
        body=body.decode(errors="replace"),
        signature_valid=valid,
    )
    if not valid:
        delivery.save()
        return 401, {"error": "invalid signature"}
    try:
        with transaction.atomic():
            delivery.save()
    except IntegrityError:
        return 200, {"received": key, "duplicate": True}
    return 201, {"received": key, "duplicate": False}


@csrf_exempt
@require_POST
def partner_inbox(request: HttpRequest, code: str) -> HttpResponse:
    """Record a partner message: 201 when new, 200 for a repeated Idempotency-Key, 401 on a bad signature."""
    if not settings.PARTNER_SANDBOX_ENABLED:
        raise Http404("the partner sandbox is disabled")
    partner = get_object_or_404(Airline, code=code.upper(), own=False)
    status, answer = record(
        partner,
        request.body,
        idempotency_key=request.headers.get("Idempotency-Key", ""),
        signature=request.headers.get("X-Signature", ""),
    )
    return JsonResponse(answer, status=status)
