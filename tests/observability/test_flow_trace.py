"""One delay is one trace (issue 19 item 3): from the ``disrupt`` command through the outbox to every delivery,
the events they publish in turn, and the partner airline's HTTP call, with a real worker exporting over OTLP."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from events.models import Delivery, Event
from notifications.models import PartnerMessage
from observability.trace_links import trace_of
from tests.support.flows import flush_test_redis, wait_until_finished
from tests.support.notify import notify_network
from tests.support.otlp import OtlpReceiver, ReceivedSpan
from tests.support.processes import WorkerProcess, manage, wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def delivery_spans(otlp: OtlpReceiver, delivery: Delivery) -> list[ReceivedSpan]:
    """The runs of ``delivery`` the worker exported."""
    return [span for span in otlp.named(f"process {delivery.event.type}")
            if span.attributes.get("airline.delivery.id") == delivery.id]  # fmt: skip


def publish_span(otlp: OtlpReceiver, event: Event) -> ReceivedSpan:
    (span,) = [s for s in otlp.named(f"publish {event.type}") if s.attributes["messaging.message.id"] == str(event.id)]
    return span


def every_run_exported(otlp: OtlpReceiver, deliveries: list[Delivery]) -> bool:
    return all(len(delivery_spans(otlp, delivery)) == delivery.attempts for delivery in deliveries)


def flow_deliveries(root: Event) -> list[Delivery]:
    return list(Delivery.objects.filter(event__root=root).select_related("event"))


def test_a_delay_is_one_trace_from_the_command_to_the_partners_http_call(
    tmp_path: Path, otlp: OtlpReceiver, partner_server: HTTPServer
) -> None:
    notify_network(tmp_path, pa_endpoint=partner_server.url_for("/pa"), pb_endpoint=partner_server.url_for("/pb"))
    flush_test_redis()
    worker = WorkerProcess(tmp_path / "worker.log", **otlp.env("airline-worker"))
    try:
        done = manage("disrupt", "NV117", "2026-11-25", "--delay", "120", **otlp.env("airline-manage"))
        assert done.returncode == 0, done.stderr
        root = Event.objects.get(type="flight.delayed")
        assert wait_until_finished(root) == "completed"
        wait_for(lambda: not PartnerMessage.objects.exclude(status="done").exists(), timeout=30,
                 what="the partner messages to be sent")  # fmt: skip
        deliveries = flow_deliveries(root)
        wait_for(lambda: every_run_exported(otlp, deliveries), timeout=30, what="every delivery's span")
    finally:
        worker.stop()

    (command,) = otlp.named("manage.py disrupt")
    assert command.parent_id == "" and command.service == "airline-manage"
    trace_id = command.trace_id
    assert trace_of(root.trace_context) and trace_of(root.trace_context).trace_id == trace_id  # type: ignore[union-attr]
    root_published = publish_span(otlp, root)
    assert command in otlp.ancestors(root_published), "the disruption is published inside the command's span"

    chained = Event.objects.filter(root=root).exclude(id=root.id)
    assert chained.filter(type="passenger.reaccommodated").exists(), "the delay misconnects passengers"
    for delivery in deliveries:
        published = publish_span(otlp, delivery.event)
        for run in delivery_spans(otlp, delivery):
            assert run.kind == "consumer" and run.service == "airline-worker"
            assert run.trace_id == trace_id, f"{delivery} runs in the disruption's trace"
            assert run.parent_id == published.span_id
            first_link = run.links[0]
            assert (first_link.span_id, first_link.attributes["airline.link"]) == (published.span_id, "published by")
            assert run.attributes["messaging.consumer.group.name"] == delivery.subscriber
    for event in chained:
        ancestors = list(otlp.ancestors(publish_span(otlp, event)))
        assert any(span.attributes.get("messaging.message.id") == str(event.caused_by_id) for span in ancestors
                   if span.kind == "consumer"), f"{event.type} is published inside the run of its cause"  # fmt: skip

    partner_runs = {span.span_id for d in deliveries if d.subscriber == "partners" for span in delivery_spans(otlp, d)}
    posts = [span for span in otlp.spans if span.kind == "client" and partner_server.url_for("/") in
             str(span.attributes.get("url.full") or span.attributes.get("http.url"))]  # fmt: skip
    assert len(posts) == PartnerMessage.objects.count() > 0
    for post in posts:
        assert post.trace_id == trace_id
        assert partner_runs & {span.span_id for span in otlp.ancestors(post)}, "sent from the partners delivery"

    (rebooking,) = [d for d in deliveries if d.subscriber == "rebooking" and d.event_id == root.id]
    queries = [span for span in otlp.spans if span.attributes.get("db.system") == "postgresql"
               and delivery_spans(otlp, rebooking)[-1] in otlp.ancestors(span)]  # fmt: skip
    assert queries, "the handler's SQL queries are children of its delivery span"
