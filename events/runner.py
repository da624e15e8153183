"""Running deliveries: claim them, call their subscribers' handlers, record the outcomes.

A handler's writes and its delivery's ``done`` mark commit in one transaction, so a crash anywhere leaves
either both or neither; together with idempotent handlers this turns at-least-once delivery into an
exactly-once effect.

A task claims its own delivery together with up to ``EVENTS_CLAIM_BATCH - 1`` other deliveries of its queue
that were never attempted (their own messages then find them finished, or taken, and skip; on a queue of quick
handlers, one that finds its delivery finished while others wait claims those in its place), as many as its
queue's recent handlers fit in a batch's time (``events.pace``), and runs their handlers one after another in
one transaction: one claim and one commit for a whole backlog instead of one per delivery
(docs/adr/0015). Once a batch has taken ``EVENTS_BATCH_SECONDS`` of handler time it commits, and the
deliveries it did not reach are given back and sent again, so slow handlers still spread over every free
worker. If any handler of a batch fails or a lease was lost, the batch is rolled back and each of its
deliveries is run again on its own, so a failure never undoes or blames a neighbour. A delivery that was
attempted before (a worker may have died running it) always runs alone, so a handler that kills its
worker cannot use up its neighbours' attempts.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db.models import Case, Exists, JSONField, OuterRef, QuerySet, Subquery, Value, When

from airline import gathered_commits
from observability import metrics, outbox_spans

from . import leasing, pace, registry
from .backoff import retry_wait
from .contracts import InvalidPayload, decode
from .correlation import correlation
from .dispatch import dispatch
from .models import Delivery, DeliveryStatus, Event

logger = logging.getLogger(__name__)


class PermanentError(Exception):
    """Raised by a handler for an input it can never handle: the delivery goes dead at once."""


class _LeaseLost(Exception):
    """The claim expired and another worker took the delivery: undo this run."""


def call_handler(event: Event, subscriber: str) -> dict[str, Any]:
    """Call subscriber ``subscriber``'s handler of ``event`` with the decoded payload and the event's facts, in the
    caller's transaction; return what it produced. No claim, lease or outcome record: :func:`run_delivery` adds
    those, the what-if preview runs handlers bare in a transaction it rolls back."""
    subscription = registry.subscription(event.type, subscriber)
    return subscription.handler(decode(event.type, event.version, event.payload), event.facts) or {}


def run_delivery(delivery_id: int, *, task_id: str = "", queue: str | None = None) -> str:
    """Run delivery ``delivery_id`` if it may start now, with never-attempted deliveries of its queue waiting behind
    it; return its resulting status (``skipped`` if it could not be claimed). ``queue`` is the queue its message
    came from, if known: how many it takes along depends on that queue's pace."""
    finished, waiting = _finished_and_waiting(delivery_id, look_behind=pace.stands_in(queue))
    if finished and not waiting:
        # the common case of a batched queue: another claim took it along. One indexed read, not a claim's
        # statement and commit.
        logger.debug("delivery %s finished already: skipped", delivery_id)
        return "skipped"
    # a finished delivery's message that stands in for it claims one more of those waiting in its place
    along = pace.take_along(queue) + (1 if finished else 0)
    token = uuid.uuid4()
    lease_seconds = settings.EVENTS_LEASE_SECONDS
    work = Delivery.objects.filter(id__in=_with_waiting_behind(delivery_id, along))
    claimed = leasing.claim(
        work,
        token=token,
        lease_seconds=lease_seconds,
        attempt_limit=settings.EVENTS_MAX_ATTEMPTS,
        durable=False,
        task_id=task_id,
    )
    if not claimed:
        logger.info("delivery %s not claimable now (done, running elsewhere or not due): skipped", delivery_id)
        return "skipped"
    deliveries = list(Delivery.objects.filter(leasing.held(token)).select_related("event").order_by("id"))
    held = Delivery.objects.filter(id__in=[d.id for d in deliveries])
    with leasing.LeaseKeeper(held, token, lease_seconds=lease_seconds):
        statuses = _run_claimed(deliveries, token)
    return statuses.get(delivery_id, "skipped")


def _run_claimed(deliveries: list[Delivery], token: uuid.UUID) -> dict[int, str]:
    """Run the claimed ``deliveries``: the ones attempted before each on its own, the others in batches until a
    batch's time is up (then the rest are given back and sent again); return each one's resulting status."""
    statuses = {d.id: _run_alone(d, token) for d in deliveries if d.attempts > 1}
    fresh = [d for d in deliveries if d.attempts == 1]
    while len(fresh) > 1:
        tried, committed = _run_batch(fresh, token)
        for delivery in fresh[:tried]:
            statuses[delivery.id] = DeliveryStatus.DONE if committed else _run_alone(delivery, token)
        fresh = fresh[tried:]
        if committed and fresh:  # its time was up: slow handlers, so leave the rest to whichever worker is free
            leasing.release(Delivery.objects.filter(id__in=[d.id for d in fresh]), token)
            dispatch(fresh)  # their own messages may have found them taken already
            return statuses
    statuses.update((d.id, _run_alone(d, token)) for d in fresh)
    return statuses


def _finished_and_waiting(delivery_id: int, *, look_behind: bool) -> tuple[bool, bool]:
    """Whether delivery ``delivery_id`` is finished (done or dead; so is one that does not exist), and, if
    ``look_behind``, whether a never-attempted delivery waits on its queue (``delivery_waiting_idx``): one read."""
    waiting = Delivery.objects.filter(queue=OuterRef("queue"), status=DeliveryStatus.PENDING, attempts=0)
    looked = Exists(waiting) if look_behind else Value(False)
    row = Delivery.objects.filter(id=delivery_id).values_list("status", looked).first()
    if row is None:
        return True, False
    status, anything_waiting = row
    return status in (DeliveryStatus.DONE, DeliveryStatus.DEAD), anything_waiting


def _with_waiting_behind(delivery_id: int, along: int) -> QuerySet | list[int]:
    """The ids of ``delivery_id`` and of up to ``along`` never-attempted deliveries of its queue that its claim
    takes along (oldest first; ``delivery_waiting_idx`` finds them without reading the rest of the queue)."""
    if not along:
        return [delivery_id]
    own = Delivery.objects.filter(id=delivery_id).order_by().values("id")
    waiting = Delivery.objects.filter(
        queue=Subquery(own.values("queue")), status=DeliveryStatus.PENDING, attempts=0
    ).exclude(id=delivery_id)
    return own.union(waiting.order_by("id").values("id")[:along], all=True)


def _run_batch(deliveries: Sequence[Delivery], token: uuid.UUID) -> tuple[int, bool]:
    """Run the handlers of ``deliveries`` in one transaction, in order, until ``EVENTS_BATCH_SECONDS`` have passed,
    and mark the ones that ran ``done`` in it; return how many were tried and whether that committed (not if a
    handler failed or a lease was lost: then nothing of the batch is kept)."""
    results: dict[int, dict[str, Any]] = {}
    tried = 0
    started = time.monotonic()
    try:
        # why the commit may be lost safely: docs/adr/0015; its handlers' work for after it is queued together
        with gathered_commits.gathering(leasing.atomic(using=Delivery.objects.db, durable=False)):
            for delivery in deliveries:
                tried += 1
                results[delivery.id] = _handle(delivery)
                if time.monotonic() - started >= settings.EVENTS_BATCH_SECONDS:
                    break
            pace.observe(deliveries[0].queue, time.monotonic() - started, tried)
            outcome = Case(*(When(id=i, then=Value(r, output_field=JSONField())) for i, r in results.items()))
            done = Delivery.objects.filter(id__in=results)
            if leasing.finish(done, token, DeliveryStatus.DONE, result=outcome) != len(results):
                raise _LeaseLost
    except Exception:
        logger.info("a batch of %d deliveries was rolled back: running each on its own", tried, exc_info=True)
        return tried, False
    return tried, True


def _handle(delivery: Delivery) -> dict[str, Any]:
    """Call ``delivery``'s handler (in the caller's transaction); return what it produced."""
    event = delivery.event
    with (
        correlation(event.root_id),
        outbox_spans.delivery_run(delivery, event),
        metrics.handling(delivery.subscriber, delivery.created_at.timestamp()),
    ):
        logger.info("%s handling %s %s (attempt %d)", delivery.subscriber, event.type, event.id, delivery.attempts)
        result = call_handler(event, delivery.subscriber)
        logger.info("%s done with %s: %s", delivery.subscriber, event.type, result)
    return result


def _run_alone(delivery: Delivery, token: uuid.UUID) -> str:
    """Run a claimed delivery in a transaction of its own and record its outcome; return its status."""
    work = Delivery.objects.filter(id=delivery.id)
    try:
        with leasing.atomic(using=work.db, durable=False):  # why it may be lost safely: docs/adr/0015
            started = time.monotonic()
            result = _handle(delivery)
            pace.observe(delivery.queue, time.monotonic() - started, 1)
            if not leasing.finish(work, token, DeliveryStatus.DONE, result=result):
                raise _LeaseLost
    except _LeaseLost:
        logger.warning("delivery %s lost its lease mid-run; its work was rolled back", delivery.id)
        return "skipped"
    except (PermanentError, registry.UnknownSubscription, InvalidPayload) as exc:
        logger.error("delivery %s is poison, giving up: %s", delivery.id, exc)
        buried = leasing.finish(work, token, DeliveryStatus.DEAD, error=_describe(exc))
        return DeliveryStatus.DEAD if buried else "skipped"
    except Exception as exc:
        logger.exception("delivery %s failed on attempt %d", delivery.id, delivery.attempts)
        status = leasing.retry_or_bury(
            work,
            token,
            attempts=delivery.attempts,
            attempt_limit=settings.EVENTS_MAX_ATTEMPTS,
            wait=retry_wait(
                delivery.attempts, base=settings.EVENTS_RETRY_BASE_SECONDS, cap=settings.EVENTS_RETRY_CAP_SECONDS
            ),
            error=_describe(exc),
            max_countdown=settings.EVENTS_MAX_COUNTDOWN_SECONDS,
            send_again=lambda wait: dispatch([delivery], countdown=wait),
        )
        return status or "skipped"
    return DeliveryStatus.DONE


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:4000]
