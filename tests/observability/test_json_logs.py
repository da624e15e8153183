"""Logs for a log pipeline (issue 19 item 4): with ``LOG_FORMAT=json`` every record is one JSON object a line,
with the flow's correlation id and the trace and span it was written in; any other value is refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from events.models import Delivery
from tests.observability.test_flow_trace import delivery_spans
from tests.support.flows import flush_test_redis, publish_now, wait_until_finished
from tests.support.otlp import OtlpReceiver
from tests.support.processes import WorkerProcess, manage, wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_workers_json_log_lines_carry_the_correlation_trace_and_span_ids(tmp_path: Path, otlp: OtlpReceiver) -> None:
    flush_test_redis()
    worker = WorkerProcess(tmp_path / "worker.log", LOG_FORMAT="json", **otlp.env("airline-worker"))
    try:
        event = publish_now("test.ping", n=1)
        assert wait_until_finished(event) == "completed"
        delivery = Delivery.objects.select_related("event").get(event=event, subscriber="test-recorder")
        wait_for(lambda: delivery_spans(otlp, delivery), timeout=30, what="the delivery's span")
    finally:
        worker.stop()
    records = [json.loads(line) for line in worker.log_path.read_text().splitlines() if line.startswith("{")]
    (handling,) = [r for r in records if r["message"].startswith(f"test-recorder handling test.ping {event.id}")]
    (run,) = delivery_spans(otlp, delivery)
    assert handling["logger"] == "events.runner" and handling["level"] == "INFO" and handling["time"]
    assert (handling["correlation_id"], handling["trace_id"], handling["span_id"]) == (
        str(event.id), run.trace_id, run.span_id)  # fmt: skip
    (connected,) = [r for r in records if r["message"].startswith("Connected to")]
    assert (connected["correlation_id"], connected["trace_id"], connected["span_id"]) == ("-", None, None)


def test_an_unknown_log_format_is_refused_at_start() -> None:
    checked = manage("check", LOG_FORMAT="xml")
    assert checked.returncode != 0
    assert "LOG_FORMAT must be plain or json, not 'xml'" in checked.stderr
