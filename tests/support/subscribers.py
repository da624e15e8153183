"""Test-only event types and subscribers, registered the way a real app registers its own.

Each handler records its effect idempotently (one ``Effect`` row per event and
subscriber) and counts its executions in Redis, so tests can tell "ran twice"
from "did it twice".
"""

from __future__ import annotations

import time
import uuid
from typing import Any, ClassVar

from django.core.cache import cache

from events.contracts import EventFacts, EventPayload, Part
from events.models import Event
from events.registry import subscriber
from events.runner import PermanentError
from events.services import publish
from flights.payloads import FlightDelayed

from .models import Effect


class Ping(EventPayload):
    event_type: ClassVar[str] = "test.ping"
    n: int


class Parent(EventPayload):
    event_type: ClassVar[str] = "test.parent"
    n: int


class Child(EventPayload):
    event_type: ClassVar[str] = "test.child"
    n: int


class Poison(EventPayload):
    event_type: ClassVar[str] = "test.poison"
    n: int


class Slow(EventPayload):
    event_type: ClassVar[str] = "test.slow"
    seconds: float


class Stall(EventPayload):
    """Handled by a subscriber that writes first and then stalls, so a test can interrupt it mid-transaction."""

    event_type: ClassVar[str] = "test.stall"
    seconds: float


class Item(Part):
    name: str
    quantity: int


class Nested(EventPayload):
    """A payload with nested parts, to show that a malformed part anywhere makes the payload poison."""

    event_type: ClassVar[str] = "test.nested"
    items: list[Item]


def executions(event: Event | EventFacts, name: str) -> int:
    """How many times subscriber ``name`` started on ``event`` (committed or not)."""
    return cache.get(f"executions:{event.id}:{name}", 0)


def _count_execution(event_id: uuid.UUID, name: str) -> None:
    key = f"executions:{event_id}:{name}"
    cache.add(key, 0, timeout=3600)
    cache.incr(key)


def _record(event: EventFacts, name: str) -> dict[str, Any]:
    _count_execution(event.id, name)
    _, created = Effect.objects.get_or_create(event_id=event.id, subscriber=name)
    return {"created": int(created)}


@subscriber("test-recorder", on=[Ping, Parent, Child, FlightDelayed, Nested], queue="notifications")
def record(payload: Ping | Parent | Child | FlightDelayed | Nested, event: EventFacts) -> dict[str, Any]:
    return _record(event, "test-recorder")


@subscriber("test-chainer", on=[Parent], queue="rebooking")
def chain(payload: Parent, event: EventFacts) -> dict[str, Any]:
    publish(Child(n=payload.n), caused_by=event)
    return _record(event, "test-chainer")


@subscriber("test-always-fails", on=[Poison], queue="vouchers")
def always_fail(payload: Poison, event: EventFacts) -> None:
    _record(event, "test-always-fails")
    raise RuntimeError(f"cannot handle {payload}")


@subscriber("test-refuses", on=[Poison], queue="lodging")
def refuse(payload: Poison, event: EventFacts) -> None:
    raise PermanentError("this payload can never be handled")


@subscriber("test-slow", on=[Slow], queue="lodging")
def slow(payload: Slow, event: EventFacts) -> dict[str, Any]:
    _count_execution(event.id, "test-slow")
    time.sleep(payload.seconds)
    _, created = Effect.objects.get_or_create(event_id=event.id, subscriber="test-slow")
    return {"created": int(created)}


UNGUARDED = "test-unguarded"


def unguarded_runs(event: Event) -> int:
    """How many runs of the ``test-unguarded`` subscriber on ``event`` committed their row."""
    return Effect.objects.filter(event=event, subscriber__startswith=f"{UNGUARDED}#").count()


@subscriber(UNGUARDED, on=[Stall], queue="vouchers")
def write_then_stall(payload: Stall, event: EventFacts) -> dict[str, Any]:
    """Not idempotent on purpose: every run adds a row, so only the runner's guards keep the effect to one."""
    _count_execution(event.id, UNGUARDED)
    Effect.objects.create(event_id=event.id, subscriber=f"{UNGUARDED}#{uuid.uuid4().hex}")
    time.sleep(payload.seconds)
    return {"stalled": payload.seconds}
