"""The HTTP side of partner messages: signed POSTs with bounded timeouts, never following redirects.

Every HTTP client of notifications (this module's, the email gateway's) is made by :func:`client`, which gives
them the process's one SSL context: building one loads the CA bundle, which cost a few milliseconds per client.
"""

from __future__ import annotations

import ssl
import time
from dataclasses import dataclass
from functools import cache
from typing import Any
from urllib.parse import urlsplit

import httpx
from django.conf import settings

from .signing import signature


@dataclass(frozen=True)
class HttpResult:
    """One POST's outcome: ``status_code`` is None when no answer came (timeout, connection error)."""

    status_code: int | None
    latency_ms: int
    error: str = ""
    retry_after: str | None = None


def is_http_url(endpoint: str) -> bool:
    """Whether ``endpoint`` is an absolute http or https URL (the only endpoints partners may have)."""
    parts = urlsplit(endpoint)
    return parts.scheme in {"http", "https"} and bool(parts.hostname)


@cache
def ssl_context() -> ssl.SSLContext:
    """The SSL context httpx would build for ``verify=True`` (certifi's CA bundle, or ``SSL_CERT_FILE`` /
    ``SSL_CERT_DIR``), built once per process: httpx documents passing one context to many clients (``verify=``),
    and a context may be shared between threads."""
    return httpx.create_ssl_context()


def client(timeout: httpx.Timeout, **options: Any) -> httpx.Client:
    """An HTTP client with ``timeout`` that follows no redirect and verifies certificates with the process's one
    SSL context; ``options`` are more ``httpx.Client`` arguments (headers)."""
    return httpx.Client(timeout=timeout, follow_redirects=False, verify=ssl_context(), **options)


def signed_headers(body: bytes, *, idempotency_key: str, secret: str) -> dict[str, str]:
    """The headers of POLICY.md: content type, idempotency key and the body's HMAC signature."""
    return {
        "Content-Type": "application/json",
        "Idempotency-Key": idempotency_key,
        "X-Signature": signature(body, secret),
    }


def post_signed(endpoint: str, body: bytes, *, idempotency_key: str, secret: str) -> HttpResult:
    """POST ``body`` to ``endpoint`` once, signed; errors are reported in the result, never raised."""
    if not is_http_url(endpoint):
        return HttpResult(status_code=None, latency_ms=0, error=f"endpoint {endpoint!r} is not an http/https URL")
    timeout = httpx.Timeout(settings.PARTNER_READ_TIMEOUT_SECONDS, connect=settings.PARTNER_CONNECT_TIMEOUT_SECONDS)
    headers = signed_headers(body, idempotency_key=idempotency_key, secret=secret)
    started = time.monotonic()
    try:
        with client(timeout) as http:
            response = http.post(endpoint, content=body, headers=headers)
    except httpx.HTTPError as exc:
        return HttpResult(status_code=None, latency_ms=_since(started), error=f"{type(exc).__name__}: {exc}")
    ok = response.is_success
    return HttpResult(
        status_code=response.status_code,
        latency_ms=_since(started),
        error="" if ok else f"HTTP {response.status_code}: {response.text[:200]}",
        retry_after=response.headers.get("Retry-After"),
    )


def _since(started: float) -> int:
    return round((time.monotonic() - started) * 1000)
