"""API throttling: fixed-window request counters in the cache, per client address (``ClientRateThrottle``) or
per anything else a subclass names (``ident``): the booking endpoints count per booking.

Each count a request made is remembered in its WSGI environ (``request.META``), so a request is counted once per
counter however many paths it takes (the API's fast lane, then Django), and ``uncount`` can give its counts back
(a 304 costs the client nothing). The fast lane (``admit``) counts in this process and sends its counts to Redis
in batches (``_LocalCounts``), so most of its requests make no round trip; DRF views count each request in Redis."""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Mapping, MutableMapping
from typing import Any

from django.core.cache import cache, caches
from django.http import HttpRequest
from redis.exceptions import RedisError
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from airline.redis_cache import RedisCache

logger = logging.getLogger(__name__)

# Where a request's counts are kept in its environ: {counter key: count}.
_COUNTS = "airline.throttle_counts"
# ...and which of them are kept in this process's batches: {counter key}.
_LOCAL = "airline.throttle_local"


class ClientRateThrottle(SimpleRateThrottle):
    """At most N requests per period from one client address: the ``anon`` rate of ``DEFAULT_THROTTLE_RATES``.

    DRF's own rate throttles read and rewrite a list of every request time per client (a list as long as the
    rate allows, two cache round-trips and a pickle of it per request); this counts requests in fixed windows
    with an atomic increment instead. The price of a fixed window: a client can fit up to twice the rate
    across a window boundary.
    """

    scope = "anon"
    window: tuple[int, int]  # (duration, index) of the current window, set by counter_key

    def get_rate(self) -> str | None:
        # Read when the throttle is built, not when the class is (as DRF does), so settings changes apply.
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_ident(self, request: HttpRequest) -> str:
        """The client address: ``REMOTE_ADDR``, or with ``NUM_PROXIES`` = N > 0 trusted proxies in front, the
        address the first of them saw (Nth from the right in ``X-Forwarded-For``).

        DRF's version reads ``request.headers``, which parses every header of the request to build; and with
        ``NUM_PROXIES`` unset it trusts any ``X-Forwarded-For``, which a client can forge to escape its rate.
        """
        return client_address(request.META)

    def ident(self, request: HttpRequest, view: Any) -> str:
        """Whose requests are counted together: the client address."""
        return self.get_ident(request)

    def allow_request(self, request: Any, view: Any) -> bool:
        """Count this request in its current window (unless counted already); False once the window's
        allowance is spent."""
        if self.rate is None:
            return True
        key = self.counter_key(self.ident(request, view))
        counts = _counts(request.META)
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
        self.window = (self.duration, window)
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


# How many of a client's requests one process may count before adding them to the shared counter in Redis: a
# client over its rate by up to (processes - 1) x (LOCAL_BATCH - 1) requests per window can go unnoticed.
LOCAL_BATCH = 10


class _LocalCounts:
    """This process's counts of the current window, added to the shared counters in Redis in batches.

    A client's requests are counted here and sent to its counter (``INCRBY``, one round trip) every
    ``LOCAL_BATCH`` of them, and on every request once the last total Redis returned plus this process's
    unsent ones come within ``LOCAL_BATCH`` of the limit: near its limit a client's every request is counted
    in Redis, so only other processes' unsent requests (fewer than ``LOCAL_BATCH`` each) can be missing from
    the total a decision reads.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._window: tuple[int, int] | None = None
        self._counts: dict[str, list[int]] = {}  # counter key: [total Redis last returned, requests not sent]

    def count(self, throttle: ClientRateThrottle, key: str) -> int:
        """Count one request on ``key`` (``throttle``'s current window): this process's estimate of the total.

        Raises ``RedisError`` when the batch is due and Redis is unreachable (the request stays counted here).
        """
        with self._lock:
            if self._window != throttle.window:  # the windows before are over: their counts are of no use
                self._counts.clear()
                self._window = throttle.window
            # By the backend's full key: a counter of another cache namespace (KEY_PREFIX) is another counter.
            count = self._counts.setdefault(caches["default"].make_key(key), [0, 0])
            count[1] += 1
            if count[1] >= LOCAL_BATCH or count[0] + count[1] + LOCAL_BATCH > throttle.num_requests:
                count[0], count[1] = _add(key, count[1], throttle.counter_timeout), 0
            return count[0] + count[1]

    def give_back(self, key: str) -> None:
        """Uncount one request counted on ``key`` (sent with the next batch; nothing once the window is over)."""
        with self._lock:
            count = self._counts.get(caches["default"].make_key(key))
            if count is not None:
                count[1] -= 1


_local_counts = _LocalCounts()


def client_address(meta: Mapping[str, Any]) -> str:
    """The address of the client of the request whose WSGI environ is ``meta`` (see ``ClientRateThrottle``)."""
    forwarded = meta.get("HTTP_X_FORWARDED_FOR")
    num_proxies = api_settings.NUM_PROXIES
    if not num_proxies or forwarded is None:
        return meta.get("REMOTE_ADDR", "")
    addresses = forwarded.split(",")
    return addresses[-min(num_proxies, len(addresses))].strip()


def admit(meta: MutableMapping[str, Any]) -> bool:
    """Count the request whose WSGI environ is ``meta`` against its client's rate, in batches (``_LocalCounts``):
    whether it may have an answer.

    The count stays in the environ: the throttle of a DRF view handling the request next does not count it
    again. With the cache unreachable the limit fails open, as ``ClientRateThrottle`` does.
    """
    throttle = ClientRateThrottle()
    if throttle.rate is None:
        return True
    key = throttle.counter_key(client_address(meta))
    try:
        count = _local_counts.count(throttle, key)
    except RedisError as exc:
        logger.warning("rate limit not applied, the cache is unreachable: %s", exc)
        return True
    _counts(meta)[key] = count
    _counted_locally(meta).add(key)
    return throttle.allows(count)


def uncount(request: HttpRequest) -> None:
    """Give back every count ``request`` made: it is not held against anyone's rate (a 304, say)."""
    counts, local = _counts(request.META), _counted_locally(request.META)
    for key in counts:
        if key in local:
            _local_counts.give_back(key)
            continue
        # ValueError: the window is over (its counter expired); RedisError: the cache is down. Nothing to give back.
        with contextlib.suppress(ValueError, RedisError):
            cache.decr(key)
    counts.clear()
    local.clear()


def _counts(meta: MutableMapping[str, Any]) -> dict[str, int]:
    """The counts the request of environ ``meta`` made so far, by counter key."""
    counts: dict[str, int] = meta.setdefault(_COUNTS, {})
    return counts


def _counted_locally(meta: MutableMapping[str, Any]) -> set[str]:
    """The counter keys of the request's counts kept in this process's batches (``_LocalCounts``)."""
    local: set[str] = meta.setdefault(_LOCAL, set())
    return local


def _increment(key: str, timeout: int) -> int:
    """Add one to the counter ``key``, creating it (expiring after ``timeout`` seconds) if needed."""
    return _add(key, 1, timeout)


def _add(key: str, amount: int, timeout: int) -> int:
    """Add ``amount`` to the counter ``key``, creating it (expiring after ``timeout`` seconds) if needed: the total."""
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        return backend.add_to_counter(key, amount, timeout)
    try:
        return cache.incr(key, amount)
    except ValueError:  # the window's first request
        if cache.add(key, amount, timeout=timeout):
            return amount
        return cache.incr(key, amount)
