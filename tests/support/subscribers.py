"""Test-only event types and subscribers, registered the way a real app registers its own.

Each handler records its effect idempotently (one ``Effect`` row per event and
subscriber) and counts its executions in Redis, so tests can tell "ran twice"
from "did it twice".
"""

from __future__ import annotations

import time
from typing import Any

from django.core.cache import cache

from events.catalogue import EventSpec, define
from events.models import Event
from events.registry import subscriber
from events.runner import PermanentError
from events.services import publish

from .models import Effect

define(EventSpec("test.ping", 1, {"n": int}))
define(EventSpec("test.parent", 1, {"n": int}))
define(EventSpec("test.child", 1, {"n": int}))
define(EventSpec("test.poison", 1, {"n": int}))
define(EventSpec("test.slow", 1, {"seconds": (int, float)}))


def executions(event: Event, name: str) -> int:
    """How many times subscriber ``name`` started on ``event`` (committed or not)."""
    return cache.get(f"executions:{event.id}:{name}", 0)


def _count_execution(event: Event, name: str) -> None:
    key = f"executions:{event.id}:{name}"
    cache.add(key, 0, timeout=3600)
    cache.incr(key)


def _record(event: Event, name: str) -> dict[str, Any]:
    _count_execution(event, name)
    _, created = Effect.objects.get_or_create(event=event, subscriber=name)
    return {"created": int(created)}


@subscriber("test-recorder", on=["test.ping", "test.parent", "test.child", "flight.delayed"], queue="notifications")
def record(event: Event) -> dict[str, Any]:
    return _record(event, "test-recorder")


@subscriber("test-chainer", on=["test.parent"], queue="rebooking")
def chain(event: Event) -> dict[str, Any]:
    publish(event_type="test.child", payload={"n": event.payload["n"]}, caused_by=event)
    return _record(event, "test-chainer")


@subscriber("test-always-fails", on=["test.poison"], queue="vouchers")
def always_fail(event: Event) -> None:
    _record(event, "test-always-fails")
    raise RuntimeError(f"cannot handle {event.payload}")


@subscriber("test-refuses", on=["test.poison"], queue="lodging")
def refuse(event: Event) -> None:
    raise PermanentError("this payload can never be handled")


@subscriber("test-slow", on=["test.slow"], queue="lodging")
def slow(event: Event) -> dict[str, Any]:
    _count_execution(event, "test-slow")
    time.sleep(event.payload["seconds"])
    _, created = Effect.objects.get_or_create(event=event, subscriber="test-slow")
    return {"created": int(created)}
