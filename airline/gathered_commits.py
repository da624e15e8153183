"""Work handed over when a transaction commits, gathered across its callers: one callback, not one each.

The events runner runs a batch of deliveries in one transaction (docs/adr/0015). Each handler that queues work
for after the commit (``transaction.on_commit``) would otherwise queue its own, however little: a task per
event's few dozen passenger messages was most of what sending them cost (issue 20). In a transaction run by
:func:`gathering`, :func:`on_commit` gathers the items of every call with the same ``flush``
and hands them to it once, when the transaction commits; outside it, each call is its own
``transaction.on_commit``. A rolled-back transaction hands over nothing. Items added inside a savepoint that
is rolled back are handed over all the same: give items that are harmless then (the ids of rows that no
longer exist, which a claim does not find).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from contextvars import ContextVar
from typing import Any

from django.db import transaction

Flush = Callable[[list[Any]], None]

_gathered: ContextVar[dict[Flush, list[Any]] | None] = ContextVar("gathered_commits", default=None)


@contextmanager
def gathering(transaction_block: AbstractContextManager[Any]) -> Iterator[None]:
    """Run ``transaction_block`` (``transaction.atomic()``, outermost), gathering :func:`on_commit`'s items by
    ``flush`` while it runs: the gathering ends with the transaction, committed or rolled back."""
    token = _gathered.set({})
    try:
        with transaction_block:
            yield
    finally:
        _gathered.reset(token)


def on_commit(flush: Flush, items: Iterable[Any], *, wrap: Callable[[Callable[[], None]], Callable[[], None]]) -> None:
    """Call ``flush`` with ``items`` once the current transaction commits (robustly: an error is logged, not
    raised); inside :func:`gathering`, once with the items of every call with the same ``flush``. ``wrap`` wraps
    the callback (the trace context of the first call: ``outbox_spans.in_this_context``)."""
    gathered = _gathered.get()
    if gathered is None or not transaction.get_connection().in_atomic_block:  # its callbacks running
        batch = list(items)
    elif flush in gathered:
        gathered[flush].extend(items)
        return
    else:
        batch = gathered[flush] = list(items)

    def hand_over() -> None:  # a named function: Django names it when it logs a failed callback
        flush(batch)

    transaction.on_commit(wrap(hand_over), robust=True)
