"""The flight API's responses, rendered once per change of the flight and served from the cache.

One cache entry per flight, under its normalised designator and service date (``flightapi:2:NV117:2026-11-25``),
holding every representation the API serves (gate and status) as the JSON bytes of the body and their ETag.
A hit is one cache read and no database query; on the API's fast path not even a Redis round trip, from this
process's copy of the entry that Redis invalidates when it changes (``cached_here``).

Freshness: a receiver on ``Flight`` saves and deletes (services, admin, ``disrupt``, fixtures) replaces the
entry, or deletes it, on commit, so the first request after a commit sees the change and no request before
the commit does. Requests fill a missing entry with ``cache.add``, never ``set``: a request that read the
flight just before a commit cannot overwrite the entry the commit wrote. Writes the ORM does not signal
(``QuerySet.update``, raw SQL) and a failed cache write are covered only by the entry's TTL
(``FLIGHT_CACHE_TTL_SECONDS``), the safety net. Unknown flights are not cached, so a flight added by
``bulk_create`` (the scenario loader) is served as soon as it is committed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Callable
from typing import Any, NamedTuple

from django.conf import settings
from django.core.cache import cache, caches
from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save
from redis.exceptions import RedisError
from rest_framework.renderers import JSONRenderer
from rest_framework.serializers import Serializer

from airline.redis_cache import RedisCache

from .designators import FlightRef
from .models import Flight
from .selectors import get_flight
from .serializers import FlightGateSerializer, FlightStatusSerializer

logger = logging.getLogger(__name__)

# Bump when a representation changes shape, so entries rendered by older code are never served.
KEY_PREFIX = "flightapi:2"

REPRESENTATIONS: dict[str, type[Serializer]] = {"gate": FlightGateSerializer, "status": FlightStatusSerializer}


class Rendered(NamedTuple):
    """A response body as sent, and its (strong) ETag."""

    body: bytes
    etag: str


Entry = dict[str, Rendered]
"""Every representation of one flight, by name (see ``REPRESENTATIONS``)."""


def _key(carrier: str, number: str, date: dt.date) -> str:
    return f"{KEY_PREFIX}:{carrier}{number}:{date.isoformat()}"


def key_for_ref(ref: FlightRef) -> str:
    """The cache key of the flight a (parsed, so normalised) reference names."""
    return _key(ref.designator.carrier, ref.designator.number_with_suffix, ref.date)


def key_for_flight(flight: Flight) -> str:
    """The cache key of a flight row."""
    return _key(flight.carrier_id, flight.number, flight.service_date)


def render(flight: Flight) -> Entry:
    """Every representation of ``flight``, serialised."""
    entry = {}
    for name, serializer in REPRESENTATIONS.items():
        body = JSONRenderer().render(serializer(flight).data)
        entry[name] = Rendered(body=body, etag=f'"{hashlib.blake2b(body, digest_size=16).hexdigest()}"')
    return entry


def cached(ref: FlightRef) -> Entry | None:
    """The cached entry of the flight, or None (also when the cache is unreachable)."""
    try:
        return cache.get(key_for_ref(ref))
    except RedisError as exc:
        logger.warning("flight cache unreachable, reading the database: %s", exc)
        return None


def cached_here(key: str) -> Entry | None:
    """The entry cached under ``key`` (``key_for_ref``) from this process's copy, kept fresh by Redis (no round
    trip when the copy has it; ``airline.tracked_cache``), or None (also when the cache is unreachable: the
    caller's fallback reads it again, and logs)."""
    backend = caches["default"]
    try:
        if not isinstance(backend, RedisCache):
            return backend.get(key)
        return backend.tracked_get(key)
    except RedisError:
        return None


def load(ref: FlightRef) -> Entry:
    """Render the flight from the database and cache it unless a commit cached it meanwhile.

    Raises ``Flight.DoesNotExist`` for an unknown flight (not cached).
    """
    entry = render(get_flight(ref))
    try:
        cache.add(key_for_ref(ref), entry, timeout=settings.FLIGHT_CACHE_TTL_SECONDS)
    except RedisError as exc:
        logger.warning("flight cache unreachable, %s not cached: %s", ref, exc)
    return entry


def refresh(flight_id: int, key: str) -> None:
    """Replace the entry of a flight with its committed state (delete it if the flight is gone)."""
    flight = Flight.objects.select_related("origin", "destination").filter(pk=flight_id).first()
    if flight is None:
        cache.delete(key)
    else:
        cache.set(key_for_flight(flight), render(flight), timeout=settings.FLIGHT_CACHE_TTL_SECONDS)


def _after_commit(func: Callable[..., object], *args: Any) -> None:
    """Call ``func(*args)`` once the current transaction commits (at once outside a transaction).

    A failure is logged, not raised: the change is committed whatever the cache says, and the TTL bounds
    how long the entry can be stale.
    """

    def callback() -> None:
        func(*args)

    callback.__qualname__ = func.__qualname__  # Django names the callback when it logs a failure
    transaction.on_commit(callback, robust=True)


def _flight_saved(sender: type[Flight], instance: Flight, **kwargs: Any) -> None:
    _after_commit(refresh, instance.pk, key_for_flight(instance))


def _flight_deleted(sender: type[Flight], instance: Flight, **kwargs: Any) -> None:
    _after_commit(cache.delete, key_for_flight(instance))


def _flight_renamed(sender: type[Flight], instance: Flight, update_fields: Any = None, **kwargs: Any) -> None:
    """Before a full save of an existing flight (the admin's), forget its entry if it gets another key."""
    if instance.pk is None or update_fields is not None:
        return
    before = Flight.objects.filter(pk=instance.pk).values_list("carrier_id", "number", "service_date").first()
    if before is not None and _key(*before) != key_for_flight(instance):
        _after_commit(cache.delete, _key(*before))


def connect_signals() -> None:
    """Keep the cache in step with every signalled change of a flight (called by the app's ``ready``)."""
    pre_save.connect(_flight_renamed, sender=Flight, dispatch_uid="gate_cache.renamed")
    post_save.connect(_flight_saved, sender=Flight, dispatch_uid="gate_cache.saved")
    post_delete.connect(_flight_deleted, sender=Flight, dispatch_uid="gate_cache.deleted")
