"""A flow's deliveries run in this process, in the caller's transaction: the preview's fan-out."""

from __future__ import annotations

from django.db import DatabaseError, transaction

from events.models import Delivery, Event
from events.runner import call_handler


class PreviewFailed(RuntimeError):
    """A subscriber's handler raised while the option was previewed: what it would do is unknown."""


def run_in_process(root: Event) -> None:
    """Call the handler of every delivery of ``root``'s flow, chained events included, until none is left.

    Breadth-first in the order ``tests.support.flows.run_flow`` runs them for real: the deliveries waiting
    when a round starts, in the deliveries' own order, then those their handlers' events added. Each handler
    runs in a savepoint of its own, as in a worker, so it sees the writes of the handlers before it. The
    deliveries stay ``pending``: the caller rolls everything back.
    """
    ran: set[int] = set()
    while waiting := list(Delivery.objects.filter(event__root=root).exclude(id__in=ran).select_related("event")):
        for delivery in waiting:
            try:
                with transaction.atomic():
                    call_handler(delivery.event, delivery.subscriber)
            except DatabaseError:
                raise  # a lock or snapshot conflict with real work: the engine tells it apart
            except Exception as exc:
                raise PreviewFailed(f"{delivery.subscriber} failed on {delivery.event.type}: {exc}") from exc
            ran.add(delivery.id)
