"""API throttling: fixed-window request counters in the cache, per client address (``ClientRateThrottle``) or
per anything else a subclass names (``ident``): the booking endpoints count per booking.

Each count a request made is remembered on it, so a request is counted once per counter however many
paths it takes, and ``uncount`` can give its counts back (a 304 costs the client nothing)."""

from __future__ import annotations

import contextlib
import logging
from typing import Any

from django.core.cache import cache, caches
from django.http import HttpRequest
from redis.exceptions import RedisError
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from airline.redis_cache import RedisCache

logger = logging.getLogger(__name__)

# Where a request's counts are kept on it: {counter key: count}.
_COUNTS = "throttle_counts"


class ClientRateThrottle(SimpleRateThrottle):
    """At most N requests per period from one client address: the ``anon`` rate of ``DEFAULT_THROTTLE_RATES``.

    DRF's own rate throttles read and rewrite a list of every request time per client (a list as long as the
    rate allows, two cache round-trips and a pickle of it per request); this counts requests in fixed windows
    with an atomic increment instead. The price of a fixed window: a client can fit up to twice the rate
    across a window boundary.
    """

    scope = "anon"

    def get_rate(self) -> str | None:
        # Read when the throttle is built, not when the class is (as DRF does), so settings changes apply.
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_ident(self, request: HttpRequest) -> str:
        """The client address: ``REMOTE_ADDR``, or with ``NUM_PROXIES`` = N > 0 trusted proxies in front, the
        address the first of them saw (Nth from the right in ``X-Forwarded-For``).

        DRF's version reads ``request.headers``, which parses every header of the request to build; and with
        ``NUM_PROXIES`` unset it trusts any ``X-Forwarded-For``, which a client can forge to escape its rate.
        """
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
        num_proxies = api_settings.NUM_PROXIES
        if not num_proxies or forwarded is None:
            return request.META.get("REMOTE_ADDR", "")
        addresses = forwarded.split(",")
        return addresses[-min(num_proxies, len(addresses))].strip()

    def ident(self, request: HttpRequest, view: Any) -> str:
        """Whose requests are counted together: the client address."""
        return self.get_ident(request)

    def allow_request(self, request: Any, view: Any) -> bool:
        """Count this request in its current window (unless counted already); False once the window's
        allowance is spent."""
        if self.rate is None:
            return True
        key = self.counter_key(self.ident(request, view))
        counts = _counts(request)
        if key not in counts:
            try:
                counts[key] = _increment(key, self.counter_timeout)
            except RedisError as exc:  # a cache outage must not take the API down: the limit fails open
                logger.warning("rate limit not applied, the cache is unreachable: %s", exc)
                return True
        return self.allows(counts[key])

    def counter_key(self, ident: str) -> str:
        """The cache key counting ``ident``'s requests in the current window; sets ``wait`` to its end."""
        now = self.timer()
        window = int(now // self.duration)
        self.retry_after = max(1.0, (window + 1) * self.duration - now)
        return f"throttle:{self.scope}:{ident}:{window}"

    @property
    def counter_timeout(self) -> int:
        return self.duration + 1

    def allows(self, count: int) -> bool:
        return count <= self.num_requests

    def wait(self) -> float:
        """Seconds until the current window ends (DRF sends it as ``Retry-After``)."""
        return self.retry_after


def admit_and_get(request: HttpRequest, key: str) -> tuple[bool, Any]:
    """Count ``request`` against its client's rate and read the cache entry ``key``, in one round trip on the
    project's Redis backend: whether the client may have an answer, and the entry (None when missing).

    The count stays on the request: the throttle of a DRF view handling it next does not count it again.
    """
    throttle = ClientRateThrottle()
    if throttle.rate is None:
        return True, cache.get(key)
    counter, backend = throttle.counter_key(throttle.get_ident(request)), caches["default"]
    if isinstance(backend, RedisCache):
        count, value = backend.count_and_get(counter, throttle.counter_timeout, key)
    else:
        count, value = _increment(counter, throttle.counter_timeout), backend.get(key)
    _counts(request)[counter] = count
    return throttle.allows(count), value


def uncount(request: HttpRequest) -> None:
    """Give back every count ``request`` made: it is not held against anyone's rate (a 304, say)."""
    counts = _counts(request)
    for key in counts:
        # ValueError: the window is over (its counter expired); RedisError: the cache is down. Nothing to give back.
        with contextlib.suppress(ValueError, RedisError):
            cache.decr(key)
    counts.clear()


def _counts(request: HttpRequest) -> dict[str, int]:
    """The counts ``request`` made so far, by counter key (a DRF request reads its Django request's)."""
    counts: dict[str, int] | None = getattr(request, _COUNTS, None)
    if counts is None:
        counts = {}
        setattr(request, _COUNTS, counts)
    return counts


def _increment(key: str, timeout: int) -> int:
    """Add one to the counter ``key``, creating it (expiring after ``timeout`` seconds) if needed."""
    try:
        return cache.incr(key)
    except ValueError:  # the window's first request
        if cache.add(key, 1, timeout=timeout):
            return 1
        return cache.incr(key)
