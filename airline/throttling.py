"""API throttling: a fixed-window request counter per client address, kept in the cache."""

from __future__ import annotations

import logging
from typing import Any

from django.core.cache import cache, caches
from django.http import HttpRequest
from redis.exceptions import RedisError
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from airline.redis_cache import RedisCache

logger = logging.getLogger(__name__)

# Where admit_and_get leaves its count on the request, so the DRF path counts that request only once.
_COUNT = "client_rate_count"


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

    def allow_request(self, request: Any, view: Any) -> bool:
        """Count this request in the client's current window (unless counted already); False once the
        window's allowance is spent."""
        if self.rate is None:
            return True
        key = self.counter_key(request)
        count = getattr(request, _COUNT, None)
        if count is None:
            try:
                count = _increment(key, self.counter_timeout)
            except RedisError as exc:  # a cache outage must not take the API down: the limit fails open
                logger.warning("rate limit not applied, the cache is unreachable: %s", exc)
                return True
        return self.allows(count)

    def counter_key(self, request: HttpRequest) -> str:
        """The cache key counting the client's requests in the current window; sets ``wait`` to its end."""
        now = self.timer()
        window = int(now // self.duration)
        self.retry_after = max(1.0, (window + 1) * self.duration - now)
        return f"throttle:{self.scope}:{self.get_ident(request)}:{window}"

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
    counter, backend = throttle.counter_key(request), caches["default"]
    if isinstance(backend, RedisCache):
        count, value = backend.count_and_get(counter, throttle.counter_timeout, key)
    else:
        count, value = _increment(counter, throttle.counter_timeout), backend.get(key)
    setattr(request, _COUNT, count)
    return throttle.allows(count), value


def _increment(key: str, timeout: int) -> int:
    """Add one to the counter ``key``, creating it (expiring after ``timeout`` seconds) if needed."""
    try:
        return cache.incr(key)
    except ValueError:  # the window's first request
        if cache.add(key, 1, timeout=timeout):
            return 1
        return cache.incr(key)
