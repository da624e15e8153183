"""The flight API's fast lane: a WSGI middleware in front of Django's handler (``airline.wsgi``).

A GET of a flight's gate or status whose entry is in this process's copy of the cache (``gate_cache.cached_here``:
no Redis round trip) is answered with the cached bytes, from a client its throttle admits (``admit``: counted in
batches; a 304 is not counted), without Django's request handling: no ``WSGIRequest``, middleware chain, URL
resolution (once per path), DRF or ``HttpResponse``. Every other request goes to Django untouched: another method
or URL, a malformed reference, a miss, a throttled client (counted once: its count rides in the environ), a
request with an ``Origin`` (CORS), a body or a query string, and any request of a kind Django has not answered
in this process yet.

Its answers are the full path's. For each kind of request (the view, 200 or 304, and every environ value Django's
answer depends on besides the flight: the scheme and the host, as the server and a proxy tell them) the first one
goes to Django and the lane keeps the status and headers Django sent; it replays them for the later ones with
their own ``ETag``, ``Content-Length`` and ``X-Correlation-ID``. So the security headers (HSTS on a secure
request), ``X-Frame-Options``, ``Vary``, ``Allow`` and whatever a middleware adds are those of Django's own
answer, host validation and the HTTPS redirect stay Django's (a kind Django refuses or redirects is never
learned), and none of Django's header logic is written a second time here.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from uuid import uuid4
from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

from django.conf import settings
from django.urls import Resolver404, resolve
from rest_framework.exceptions import APIException

from airline.throttling import admit
from events.correlation import correlation
from observability import metrics

from . import gate_cache
from .api import FlightView, etag_matches, parse_ref

# The environ values besides the flight's that Django's answer to a flight GET depends on: the scheme (HSTS, the
# HTTPS redirect) and the host (ALLOWED_HOSTS, redirects). The proxy's scheme header is added when one is trusted.
_VARIANT_KEYS = ("wsgi.url_scheme", "HTTP_HOST", "HTTP_X_FORWARDED_HOST", "HTTP_X_FORWARDED_PORT", "SERVER_NAME",
                 "SERVER_PORT")  # fmt: skip
# Left to Django whatever else they ask: a CORS request, a body, a query string.
_UNUSUAL = ("HTTP_ORIGIN", "CONTENT_LENGTH", "HTTP_TRANSFER_ENCODING", "QUERY_STRING")
# The headers of an answer that are its own, not its kind's.
_PER_ANSWER = frozenset({"etag", "content-length", "x-correlation-id"})
# Kinds of request remembered per process; a client inventing hosts (under a wildcard ALLOWED_HOSTS) only makes
# the lane start over.
MAX_KINDS = 64


@dataclass(frozen=True)
class _Target:
    """What a flight URL asks for: its view (whose ``representation`` it is), the flight's cache key, the URL's name."""

    view: type[FlightView]
    key: str
    endpoint: str


class _Replay:
    """The status and headers of Django's answer to one kind of request, replayed with each answer's own values."""

    def __init__(self, status: str, headers: list[tuple[str, str]]) -> None:
        self.status = status
        # (name, which of the answer's own values replaces it or None, Django's value)
        self._headers = [(name, _slot(name), value) for name, value in headers]

    def headers(self, etag: str, length: int, correlation_id: str) -> list[tuple[str, str]]:
        own = {"etag": etag, "content-length": str(length), "x-correlation-id": correlation_id}
        return [(name, value if slot is None else own[slot]) for name, slot, value in self._headers]


class FastLane:
    """WSGI middleware answering cached flight GETs in front of ``app`` (Django's handler); see the module."""

    def __init__(self, app: WSGIApplication) -> None:
        self.app = app
        self._replays: dict[tuple[Any, ...], _Replay] = {}
        proxy_header = settings.SECURE_PROXY_SSL_HEADER
        self._variant_keys = (*_VARIANT_KEYS, proxy_header[0]) if proxy_header else _VARIANT_KEYS
        self._target = functools.lru_cache(maxsize=8192)(_target)

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        started = time.perf_counter()
        if environ["REQUEST_METHOD"] != "GET" or any(environ.get(name) for name in _UNUSUAL):
            return self.app(environ, start_response)
        target = self._target(environ.get("PATH_INFO", ""))
        entry = None if target is None else gate_cache.cached_here(target.key)
        if target is None or entry is None:
            return self.app(environ, start_response)
        rendered = entry[target.view.representation]
        if_none_match = environ.get("HTTP_IF_NONE_MATCH")
        not_modified = bool(if_none_match) and etag_matches(if_none_match, rendered.etag)
        kind = (target.view, not_modified, *map(environ.get, self._variant_keys))
        replay = self._replays.get(kind)
        if replay is None:
            return self.app(environ, self._learning(kind, rendered, not_modified, start_response))
        correlation_id = uuid4().hex
        if not not_modified:
            with correlation(correlation_id):  # the throttle logs when Redis is unreachable
                admitted = admit(environ)
            if not admitted:
                return self.app(environ, start_response)  # Django refuses it (429), counted already
        body = b"" if not_modified else rendered.body
        start_response(replay.status, replay.headers(rendered.etag, len(body), correlation_id))
        metrics.GATE_CACHE.labels("hit").inc()
        metrics.API_DURATION.labels(target.endpoint).observe(time.perf_counter() - started)
        metrics.API_REQUESTS.labels(target.endpoint, "304" if not_modified else "200").inc()
        return [body]

    def _learning(
        self, kind: tuple[Any, ...], rendered: gate_cache.Rendered, not_modified: bool, start_response: StartResponse
    ) -> StartResponse:
        """``start_response``, keeping Django's status and headers for ``kind`` if Django answered with
        ``rendered`` (200) or a 304 for it as the lane would have."""

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            if _answers_with(status, headers, rendered, not_modified):
                if len(self._replays) >= MAX_KINDS:
                    self._replays.clear()
                self._replays[kind] = _Replay(status, headers)
            return start_response(status, headers, exc_info)

        return capture


def _slot(name: str) -> str | None:
    lowered = name.lower()
    return lowered if lowered in _PER_ANSWER else None


def _answers_with(
    status: str, headers: list[tuple[str, str]], rendered: gate_cache.Rendered, not_modified: bool
) -> bool:
    """Whether Django's answer is the lane's for this request: its status, the cached ETag, the body's length, a
    correlation id, and nothing set on the client (a cookie) that a replay would repeat."""
    named = {name.lower(): value for name, value in headers}
    return (
        status.startswith("304 " if not_modified else "200 ")
        and named.get("etag") == rendered.etag
        and named.get("content-length", "0") == str(0 if not_modified else len(rendered.body))
        and "x-correlation-id" in named
        and "set-cookie" not in named
    )


def _target(path: str) -> _Target | None:
    """The flight view answering ``path``, the cache key of its flight and the URL's name, or None (another URL, or
    a malformed reference: Django answers)."""
    if not path.isascii():  # PEP 3333 hands the path over as latin-1; Django decodes it as UTF-8
        return None
    try:
        match = resolve(path)
    except Resolver404:
        return None
    view = getattr(match.func, "view_class", None)
    if not (isinstance(view, type) and issubclass(view, FlightView)):
        return None
    try:
        key = gate_cache.key_for_ref(parse_ref(**match.kwargs))
    except APIException:
        return None
    return _Target(view=view, key=key, endpoint=match.url_name or "unknown")
