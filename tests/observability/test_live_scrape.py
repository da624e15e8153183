"""``/metrics`` of a live gunicorn, with a real worker having handled a delay, in prometheus-client's multi-process
mode: ``promtool check metrics`` accepts the scrape, and its figures match the database."""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from django.db.models import Count

from events.leasing import OPEN
from events.models import Delivery
from flights.models import Flight
from flights.services import delay_flight
from notifications.models import PassengerMessage
from tests.support.flows import flush_test_redis
from tests.support.processes import ROOT, WorkerProcess, child_env, every_queue_but, wait_for
from tests.support.scenarios import load_stranding

from .promtool import promtool
from .scrape import samples, value

pytestmark = pytest.mark.django_db(transaction=True)

TOKEN = "live-scrape-token"
UNCONSUMED = "vouchers"  # meal vouchers and compensation: left pending, nobody consumes their queue


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def metrics_dir(tmp_path: Path) -> Path:
    path = tmp_path / "prometheus"
    path.mkdir()
    return path


@pytest.fixture
def web(tmp_path: Path, metrics_dir: Path) -> Iterator[str]:
    """gunicorn with 2 sync workers (gunicorn.conf.py's hooks), the metrics token set and no network allowed."""
    port = _free_port()
    log = open(tmp_path / "gunicorn.log", "ab")  # noqa: SIM115 - closed below
    env = child_env(PROMETHEUS_MULTIPROC_DIR=str(metrics_dir), METRICS_TOKEN=TOKEN, METRICS_ALLOWED_NETWORKS="")
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "airline.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: _answers(url), timeout=90, what="gunicorn to answer")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def _answers(url: str) -> bool:
    try:
        return httpx.get(f"{url}/metrics", timeout=2).status_code == 401
    except httpx.TransportError:
        return False


def test_a_live_scrape_passes_promtool_and_counts_what_the_worker_did(
    tmp_path: Path, metrics_dir: Path, web: str
) -> None:
    flush_test_redis()
    load_stranding(tmp_path)
    queues = every_queue_but(UNCONSUMED)
    mail = {"EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend", "EMAIL_FILE_PATH": str(tmp_path)}
    worker = WorkerProcess(tmp_path / "worker.log", queues=queues, PROMETHEUS_MULTIPROC_DIR=str(metrics_dir), **mail)
    try:
        root = delay_flight(flight=Flight.objects.get(number="1"), delay_minutes=224, reason="TECH")
        flow = Delivery.objects.filter(event__root=root)
        wait_for(lambda: not flow.exclude(queue=UNCONSUMED).exclude(status="done").exists(), timeout=60,
                 what="every delivery but the unconsumed queue's to be done")  # fmt: skip
        messages = PassengerMessage.objects.filter(event__root=root)
        wait_for(lambda: messages.exists() and not messages.filter(status__in=OPEN).exists(), timeout=60,
                 what="the passenger messages to be sent")  # fmt: skip
        gate = f"{web}/api/v1/flights/NV1/{root.flight.service_date}/gate"
        assert httpx.get(gate).status_code == 200
        assert httpx.get(f"{web}/api/v1/flights/NV999/{root.flight.service_date}/gate").status_code == 404

        assert httpx.get(f"{web}/metrics").status_code == 401
        refused = httpx.get(f"{web}/metrics", headers={"Authorization": "Bearer wrong"})
        assert refused.status_code == 403 and "airline_" not in refused.text
        scrape = httpx.get(f"{web}/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    finally:
        worker.stop()
    assert scrape.status_code == 200

    checked = promtool("check", "metrics", stdin=scrape.text)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    scraped = samples(scrape.text)

    done = dict(flow.filter(status="done").values_list("subscriber").annotate(n=Count("id")))
    assert set(done) >= {"rebooking", "lodging", "partners", "notifications", "duties"}
    for subscriber, n in done.items():
        assert value(scraped, "airline_delivery_handler_duration_seconds_count", subscriber=subscriber,
                     outcome="done") == n, subscriber  # fmt: skip
        assert value(scraped, "airline_delivery_lag_seconds_count", subscriber=subscriber) == n, subscriber
        assert value(scraped, "airline_deliveries", subscriber=subscriber, status="pending") == 0
    pending = dict(flow.filter(status="pending").values_list("subscriber").annotate(n=Count("id")))
    assert set(pending) == {"vouchers", "compensation"}
    for subscriber, n in pending.items():
        assert value(scraped, "airline_deliveries", subscriber=subscriber, status="pending") == n
        assert value(scraped, "airline_delivery_handler_duration_seconds_count", subscriber=subscriber,
                     outcome="done") is None  # fmt: skip
    waited = value(scraped, "airline_queue_oldest_pending_delivery_age_seconds", queue=UNCONSUMED)
    assert waited is not None and waited > 0
    assert value(scraped, "airline_queue_oldest_pending_delivery_age_seconds", queue="rebooking") == 0
    assert value(scraped, "airline_flows", business_status="in_progress") == 1

    sent = messages.filter(status="done", channel="email").count()
    assert sent > 0
    assert value(scraped, "airline_passenger_messages_total", channel="email", status="done") == sent
    assert value(scraped, "airline_api_requests_total", endpoint="flight-gate", status="200") == 1
    assert value(scraped, "airline_api_requests_total", endpoint="flight-gate", status="404") == 1
    assert value(scraped, "airline_gate_cache_requests_total", result="hit") == 1, "the delay's commit cached NV1"
    assert value(scraped, "airline_gate_cache_requests_total", result="miss") == 1, "NV999 is nowhere"
