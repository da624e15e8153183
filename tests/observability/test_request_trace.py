"""An operator's request starts the disruption's trace (issue 19 item 3): the admin's Delay… form, served by
gunicorn with tracing on, is the root span above the publishing span and every delivery."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, expect

from events.models import Event
from tests.factories import FlightFactory
from tests.observability.test_flow_trace import delivery_spans, every_run_exported, flow_deliveries, publish_span
from tests.support.browser import delay_in_the_console, logged_in, operator
from tests.support.flows import flush_test_redis, wait_until_finished
from tests.support.otlp import OtlpReceiver
from tests.support.processes import ROOT, WorkerProcess, child_env, free_port, wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=1).status_code < 500
    except httpx.HTTPError:
        return False


@pytest.fixture
def traced_web(otlp: OtlpReceiver, tmp_path: Path) -> Iterator[str]:
    """gunicorn serving the project on a free port, tracing to ``otlp``; its base URL."""
    port = free_port()
    with open(tmp_path / "web.log", "ab") as log:
        web = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "airline.wsgi", "--workers", "1", "--bind", f"127.0.0.1:{port}"],
            cwd=ROOT, env=child_env(**otlp.env("airline-web")), stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        try:
            wait_for(lambda: _answers(f"{base}/admin/login/"), timeout=30, what="gunicorn to answer")
            yield base
        finally:
            web.terminate()
            web.wait(timeout=15)


def test_the_delay_forms_request_is_the_root_of_the_disruptions_trace(
    traced_web: str, otlp: OtlpReceiver, roles: None, browser: Browser, tmp_path: Path
) -> None:
    operator("controller", "Operations controller")
    flight = FlightFactory()
    flush_test_redis()
    worker = WorkerProcess(tmp_path / "worker.log", **otlp.env("airline-worker"))
    try:
        page = logged_in(browser, traced_web, "controller")
        delay_in_the_console(page, traced_web, flight.pk, 150)
        root = Event.objects.get(flight=flight)
        expect(page).to_have_url(f"{traced_web}/admin/events/event/{root.pk}/change/")
        assert wait_until_finished(root) == "completed"
        deliveries = flow_deliveries(root)
        wait_for(lambda: every_run_exported(otlp, deliveries), timeout=30, what="every delivery's span")
    finally:
        worker.stop()
    published = publish_span(otlp, root)
    (request,) = [span for span in otlp.ancestors(published) if span.kind == "server"]
    assert request.service == "airline-web" and request.parent_id == "" and request.name.startswith("POST ")
    assert {run.trace_id for d in deliveries for run in delivery_spans(otlp, d)} == {request.trace_id}
