"""Context survives the outbox (issue 19 item 3, ADR 14): a disruption recorded while the broker is down waits
in the outbox, and the relay's later sends run its deliveries in the disruption's trace, not the relay's."""

from __future__ import annotations

from pathlib import Path

import pytest

from events.models import Event
from tests.factories import FlightFactory
from tests.observability.test_flow_trace import delivery_spans, every_run_exported, flow_deliveries, publish_span
from tests.support.brokers import Outage
from tests.support.flows import wait_until_finished
from tests.support.otlp import OtlpReceiver
from tests.support.processes import WorkerProcess, manage, wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_relays_send_of_a_lost_message_continues_the_original_trace(
    broker_outage: Outage, tmp_path: Path, otlp: OtlpReceiver
) -> None:
    flight = FlightFactory()
    disrupt = ("disrupt", str(flight.designator), str(flight.service_date), "--delay", "200")
    done = manage(*disrupt, BROKER_URL=broker_outage.down_url, **otlp.env("airline-manage"))
    assert done.returncode == 0, done.stderr
    root = Event.objects.get(flight=flight)
    assert not root.deliveries.filter(dispatched_at__isnull=False).exists(), "nothing reached the broker"
    broker_outage.restore()
    # One delivery per run: a batch that gives back what it did not reach sends it again itself, and this test is
    # about what the relay sends.
    worker = WorkerProcess(
        tmp_path / "worker.log", BROKER_URL=broker_outage.up_url, EVENTS_CLAIM_BATCH="1", **otlp.env("airline-worker")
    )
    try:
        relayed = manage("relay_events", BROKER_URL=broker_outage.up_url, **otlp.env("airline-manage"))
        assert relayed.returncode == 0, relayed.stderr
        assert wait_until_finished(root) == "completed"
        deliveries = flow_deliveries(root)
        wait_for(lambda: every_run_exported(otlp, deliveries), timeout=30, what="every delivery's span")
    finally:
        worker.stop()

    (original,) = otlp.named("manage.py disrupt")
    (relay,) = otlp.named("manage.py relay_events")
    assert relay.trace_id != original.trace_id
    relay_spans = {span.span_id for span in otlp.spans if span.trace_id == relay.trace_id}
    published = publish_span(otlp, root)
    for delivery in (d for d in deliveries if d.event_id == root.id):
        assert delivery.dispatch_count == 1, "sent once, by the relay"
        (run,) = delivery_spans(otlp, delivery)
        assert (run.trace_id, run.parent_id) == (original.trace_id, published.span_id)
        carried_by = [link for link in run.links if link.attributes["airline.link"] == "carried by"]
        assert [link.span_id in relay_spans for link in carried_by] == [True], "linked to the relay's task"
