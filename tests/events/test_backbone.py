"""The event backbone without a worker: publish, claim, run, retry, bury, relay, flow status."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection, transaction
from django.utils import timezone

from events import registry, relay
from events.models import Delivery, Event
from events.runner import run_delivery
from events.selectors import disruptions, status_of
from events.services import NotInTransaction, publish, redeliver
from flights.services import delay_flight
from tests.factories import FlightFactory
from tests.support.flows import payload_of
from tests.support.models import Effect
from tests.support.subscribers import Parent, Ping, executions


def _publish(event_type: str, **payload: object) -> Event:
    with transaction.atomic():
        return publish(payload_of(event_type, payload))


def _delivery(event: Event, subscriber: str) -> Delivery:
    return Delivery.objects.get(event=event, subscriber=subscriber)


pytestmark = pytest.mark.django_db


@pytest.mark.django_db(transaction=True)
def test_publish_outside_a_transaction_is_refused() -> None:
    with pytest.raises(NotInTransaction):
        publish(Ping(n=1))
    assert not Event.objects.exists()


def test_publish_writes_one_pending_delivery_per_subscriber_and_dispatches_on_commit(
    django_capture_on_commit_callbacks,
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        event = publish(Parent(n=7))
        assert len(callbacks) == 0, "nothing is sent before the commit"
    assert len(callbacks) == 1
    deliveries = {d.subscriber: d for d in event.deliveries.all()}
    assert set(deliveries) == {s.subscriber for s in registry.subscriptions_for("test.parent")}
    assert deliveries["test-chainer"].queue == "rebooking"
    assert all(d.dispatched_at and d.dispatch_count == 1 for d in deliveries.values())
    assert event.root_id == event.id


def test_an_unknown_event_type_or_bad_payload_is_refused_at_publish() -> None:
    with pytest.raises(ValueError, match="not a catalogued"), transaction.atomic():
        publish(payload_of("test.nope", {}))
    with pytest.raises(ValueError, match="n\n  Input should be a valid integer"), transaction.atomic():
        publish(Ping(n="1"))
    assert not Event.objects.exists()


def test_the_same_delivery_run_twice_does_its_work_once() -> None:
    event = _publish("test.ping", n=1)
    delivery = _delivery(event, "test-recorder")
    assert run_delivery(delivery.id) == "done"
    assert run_delivery(delivery.id) == "skipped"
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.result) == ("done", 1, {"created": 1})
    assert Effect.objects.filter(event=event).count() == 1
    assert executions(event, "test-recorder") == 1


def test_chained_events_link_to_their_root_and_the_flow_completes() -> None:
    root = _publish("test.parent", n=3)
    assert status_of(root) == "in_progress"
    for delivery in Delivery.objects.filter(event=root):
        run_delivery(delivery.id)
    child = Event.objects.get(type="test.child")
    assert (child.caused_by_id, child.root_id) == (root.id, root.id)
    assert status_of(root) == "in_progress"
    run_delivery(_delivery(child, "test-recorder").id)
    assert status_of(root) == "completed"
    annotated = disruptions().get(pk=root.pk)
    assert (annotated.flow_total, annotated.flow_done, annotated.flow_dead) == (3, 3, 0)


def test_a_failing_handler_retries_with_backoff_then_goes_dead_and_can_be_redelivered(settings) -> None:
    settings.EVENTS_MAX_COUNTDOWN_SECONDS = 0  # leave retries to the relay in this test
    event = _publish("test.poison", n=1)
    delivery = _delivery(event, "test-always-fails")
    before = timezone.now()
    assert run_delivery(delivery.id) == "failed"
    delivery.refresh_from_db()
    assert delivery.next_attempt_at > before
    assert "RuntimeError: cannot handle" in delivery.last_error
    assert run_delivery(delivery.id) == "skipped", "not due yet"
    for _ in range(settings.EVENTS_MAX_ATTEMPTS - 1):
        Delivery.objects.filter(id=delivery.id).update(next_attempt_at=timezone.now())
        run_delivery(delivery.id)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("dead", settings.EVENTS_MAX_ATTEMPTS)
    assert "RuntimeError" in delivery.last_error
    assert Effect.objects.count() == 0, "every failed attempt was rolled back"
    assert status_of(event) == "failed"
    assert run_delivery(delivery.id) == "skipped", "a dead delivery never loops"
    assert redeliver([delivery.id]) == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("pending", 0)


def test_a_permanent_error_goes_dead_at_once() -> None:
    event = _publish("test.poison", n=1)
    delivery = _delivery(event, "test-refuses")
    assert run_delivery(delivery.id) == "dead"
    delivery.refresh_from_db()
    assert delivery.attempts == 1
    assert "PermanentError" in delivery.last_error


def test_a_poison_payload_goes_dead_without_running_the_handler() -> None:
    event = _publish("test.ping", n=1)
    Event.objects.filter(id=event.id).update(payload={"n": "not a number"})
    delivery = _delivery(event, "test-recorder")
    assert run_delivery(delivery.id) == "dead"
    delivery.refresh_from_db()
    assert "InvalidPayload" in delivery.last_error
    assert executions(event, "test-recorder") == 0


def test_a_running_delivery_is_not_claimed_again_until_its_lease_expires() -> None:
    event = _publish("test.ping", n=1)
    delivery = _delivery(event, "test-recorder")
    Delivery.objects.filter(id=delivery.id).update(
        status="running", attempts=1, lease_expires_at=timezone.now() + dt.timedelta(seconds=30)
    )
    assert run_delivery(delivery.id) == "skipped"
    Delivery.objects.filter(id=delivery.id).update(lease_expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert run_delivery(delivery.id) == "done"
    delivery.refresh_from_db()
    assert delivery.attempts == 2


def test_relay_sends_undispatched_and_expired_and_buries_exhausted(settings) -> None:
    with transaction.atomic():
        event = publish(Ping(n=1))
    # As if the broker had been down at commit:
    Delivery.objects.filter(event=event).update(dispatched_at=None, dispatch_count=0)
    dead_one = _publish("test.parent", n=2)
    Delivery.objects.filter(event=dead_one).update(
        status="running", attempts=settings.EVENTS_MAX_ATTEMPTS, lease_expires_at=timezone.now()
    )
    report = relay.relay_once()
    assert report.buried == 2
    assert report.dispatched >= 1
    assert Delivery.objects.get(event=event).dispatch_count == 1
    assert set(Delivery.objects.filter(event=dead_one).values_list("status", flat=True)) == {"dead"}
    assert relay.relay_once().dispatched == 0, "nothing is due any more"


def test_delay_flight_writes_the_flight_and_its_event_in_one_transaction() -> None:
    flight = FlightFactory()
    event = delay_flight(flight=flight, delay_minutes=200, reason="TECH")
    assert event.type == "flight.delayed"
    assert event.payload["delay_minutes"] == 200
    assert event.payload["previous_delay_minutes"] == 0
    assert event.payload["flight"] == str(flight.ref)
    queues = dict(event.deliveries.values_list("subscriber", "queue"))
    assert {"rebooking", "vouchers", "lodging", "partners", "notifications"} <= set(queues)
    assert queues["partners"] == "partners"


def test_a_failed_disruption_writes_no_event() -> None:
    flight = FlightFactory()
    with pytest.raises(ValueError):
        delay_flight(flight=flight, delay_minutes=-5)
    assert not Event.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_disruptions_of_one_flight_make_two_events_each_handled_once() -> None:
    flight = FlightFactory()
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def disrupt(minutes: int) -> None:
        try:
            barrier.wait()
            delay_flight(flight=flight, delay_minutes=minutes, reason="TECH")
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=disrupt, args=(m,)) for m in (90, 150)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    events = list(Event.objects.filter(type="flight.delayed").order_by("occurred_at"))
    assert len(events) == 2
    # The row lock serialised them: the second saw the first's delay as its previous one.
    assert events[1].payload["previous_delay_minutes"] == events[0].payload["delay_minutes"]
    for delivery in Delivery.objects.filter(subscriber="test-recorder"):
        run_delivery(delivery.id)
        run_delivery(delivery.id)
    assert Effect.objects.filter(subscriber="test-recorder").count() == 2
