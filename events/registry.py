"""The subscriber registry: consumer apps register their own handlers.

A subscriber is one decorated function in the subscriber's own app
(``<app>/subscribers.py``, imported when Django starts), naming the payload
models it handles; it receives the decoded payload and the event's facts::

    @subscriber("vouchers", on=[FlightDelayed, FlightCancelled])
    def right_to_care(payload: FlightDelayed | FlightCancelled, event: EventFacts) -> dict: ...

Publishers import none of them: :func:`events.services.publish` asks this
registry who subscribes to an event type.
"""

from __future__ import annotations

import inspect
import types
import typing
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from .contracts import EventFacts, EventPayload

Handler = Callable[[Any, EventFacts], "dict[str, Any] | None"]
H = TypeVar("H", bound=Handler)


@dataclass(frozen=True)
class Subscription:
    """One subscriber's handler for one event type, run on ``queue``."""

    subscriber: str
    event_type: str
    queue: str
    handler: Handler
    payload_model: type[EventPayload]


_subscriptions: dict[str, dict[str, Subscription]] = {}


class UnknownSubscription(LookupError):
    """No handler is registered for this (event type, subscriber)."""


def subscriber(name: str, *, on: Iterable[type[EventPayload]], queue: str | None = None) -> Callable[[H], H]:
    """Register the decorated function as subscriber ``name`` for the event type of each payload model in ``on``.

    ``queue`` defaults to the subscriber's name. The handler's first parameter must be annotated with the
    models it is registered for (one, or their union): a mismatch is an error at import, not in a worker.
    A subscriber handles an event type with one function; registering a second one for the same pair is an error.
    """
    models = list(on)

    def register(handler: H) -> H:
        _check_annotation(handler, models)
        for model in models:
            event_type = str(model.event_type)
            by_name = _subscriptions.setdefault(event_type, {})
            existing = by_name.get(name)
            if existing and existing.handler.__qualname__ != handler.__qualname__:
                raise ValueError(f"subscriber {name!r} already handles {event_type!r} with {existing.handler}")
            by_name[name] = Subscription(
                subscriber=name, event_type=event_type, queue=queue or name, handler=handler, payload_model=model
            )
        return handler

    return register


def _check_annotation(handler: Handler, models: list[type[EventPayload]]) -> None:
    first = next(iter(inspect.signature(handler).parameters), None)
    annotation = typing.get_type_hints(handler).get(first) if first else None
    accepted = set(typing.get_args(annotation)) if isinstance(annotation, types.UnionType) else {annotation}
    missing = [model.__name__ for model in models if not any(_is_subclass(model, a) for a in accepted)]
    if missing:
        raise TypeError(
            f"{handler.__qualname__} is registered for {', '.join(missing)} but its payload is {annotation}"
        )


def _is_subclass(model: type, annotation: object) -> bool:
    return isinstance(annotation, type) and issubclass(model, annotation)


def subscriptions_for(event_type: str) -> list[Subscription]:
    """Every subscription to ``event_type``, in a stable order."""
    return sorted(_subscriptions.get(event_type, {}).values(), key=lambda s: s.subscriber)


def subscription(event_type: str, name: str) -> Subscription:
    """The subscription of subscriber ``name`` to ``event_type``."""
    try:
        return _subscriptions[event_type][name]
    except KeyError:
        raise UnknownSubscription(f"no subscriber {name!r} for {event_type!r}") from None


def all_subscriptions() -> list[Subscription]:
    """Every registered subscription (for the catalogue and the admin)."""
    return [s for event_type in sorted(_subscriptions) for s in subscriptions_for(event_type)]
