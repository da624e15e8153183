"""The subscriber registry: consumer apps register their own handlers.

A subscriber is one decorated function in the subscriber's own app
(``<app>/subscribers.py``, imported when Django starts)::

    @subscriber("vouchers", on=["flight.delayed", "flight.cancelled"])
    def issue_meal_vouchers(event: Event) -> dict: ...

Publishers import none of them: :func:`events.services.publish` asks this
registry who subscribes to an event type.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .models import Event

Handler = Callable[["Event"], "dict[str, Any] | None"]


@dataclass(frozen=True)
class Subscription:
    """One subscriber's handler for one event type, run on ``queue``."""

    subscriber: str
    event_type: str
    queue: str
    handler: Handler


_subscriptions: dict[str, dict[str, Subscription]] = {}


class UnknownSubscription(LookupError):
    """No handler is registered for this (event type, subscriber)."""


def subscriber(name: str, *, on: Iterable[str], queue: str | None = None) -> Callable[[Handler], Handler]:
    """Register the decorated function as subscriber ``name`` for each event type in ``on``.

    ``queue`` defaults to the subscriber's name. A subscriber handles an event
    type with one function; registering a second one for the same pair is an error.
    """

    def register(handler: Handler) -> Handler:
        for event_type in on:
            by_name = _subscriptions.setdefault(event_type, {})
            existing = by_name.get(name)
            if existing and existing.handler.__qualname__ != handler.__qualname__:
                raise ValueError(f"subscriber {name!r} already handles {event_type!r} with {existing.handler}")
            by_name[name] = Subscription(subscriber=name, event_type=event_type, queue=queue or name, handler=handler)
        return handler

    return register


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
