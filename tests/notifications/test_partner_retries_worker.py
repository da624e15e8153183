"""Partner retries through Celery: a real worker sends to a real local HTTP server that fails, hangs or recovers.

The server plays a partner that honours ``Idempotency-Key`` (POLICY.md): it acknowledges a key once and answers
a repeat 200 without acting on it again, so "acted on once per key" is what the partner saw, whatever the
retries sent.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from flights.models import Flight
from flights.services import delay_flight
from notifications.models import PartnerMessage
from notifications.partner_delivery import due_for_sweep
from notifications.tasks import sweep_partner_messages
from tests.support.flows import flush_test_redis
from tests.support.notify import notify_network
from tests.support.processes import WorkerProcess, wait_for

pytestmark = pytest.mark.django_db(transaction=True)

LEASE_SECONDS = 2.0
TIMINGS = {
    "PARTNER_RETRY_BASE_SECONDS": "0.2",
    "PARTNER_RETRY_CAP_SECONDS": "1",
    "PARTNER_LEASE_SECONDS": str(LEASE_SECONDS),
    "PARTNER_SWEEP_GRACE_SECONDS": "1",
    "PARTNER_READ_TIMEOUT_SECONDS": "10",
}


class PartnerInbox:
    """A partner endpoint: answers each request with the next scripted answer (a status, or ``("hang", s)``:
    wait s seconds, then 200), then 200; acts on the first 200 of each idempotency key only."""

    def __init__(self, server: HTTPServer, path: str, *answers: int | tuple[str, float]) -> None:
        self.answers = list(answers)
        self.keys: list[str] = []
        self.acted_on: list[str] = []
        self._lock = threading.Lock()
        server.expect_request(path, method="POST").respond_with_handler(self.handle)
        self.url = server.url_for(path)

    def handle(self, request: Request) -> Response:
        key = request.headers["Idempotency-Key"]
        with self._lock:
            self.keys.append(key)
            answer = self.answers.pop(0) if self.answers else 200
        if isinstance(answer, tuple):
            time.sleep(answer[1])
            answer = 200
        with self._lock:
            if answer == 200 and key not in self.acted_on:
                self.acted_on.append(key)
        return Response("{}", status=answer, content_type="application/json")


@pytest.fixture
def partner_server() -> Iterator[HTTPServer]:
    server = HTTPServer(threaded=True)  # a hung request must not hold up the retry
    server.start()
    yield server
    server.clear()
    if server.is_running():
        server.stop()


@pytest.fixture
def settings_as_the_worker(settings: Any) -> None:
    """This process sweeps with the worker's timings."""
    for name, value in TIMINGS.items():
        setattr(settings, name, float(value))


def _start_worker(tmp_path: Path, **env: str) -> WorkerProcess:
    flush_test_redis()
    return WorkerProcess(tmp_path / "worker.log", queues=["partners"], **TIMINGS, **env)


def _disrupt(tmp_path: Path, pa: PartnerInbox, pb: PartnerInbox) -> tuple[PartnerMessage, PartnerMessage]:
    """Load the network with the partners' endpoints and delay NV117: its ``partners`` delivery (run by the
    worker) writes one message to PA and one to PB, and queues their sends."""
    notify_network(tmp_path, pa_endpoint=pa.url, pb_endpoint=pb.url)
    delay_flight(flight=Flight.objects.get(number="117"), delay_minutes=120, reason="TECH")
    wait_for(lambda: PartnerMessage.objects.count() == 2, timeout=20, what="the partner messages")
    return PartnerMessage.objects.get(partner_id="PA"), PartnerMessage.objects.get(partner_id="PB")


def _settled(*messages: PartnerMessage) -> bool:
    ids = [message.id for message in messages]
    return not PartnerMessage.objects.filter(id__in=ids, status__in=["pending", "running", "failed"]).exists()


def _attempts(message: PartnerMessage) -> list[tuple[int, int | None]]:
    return list(message.attempt_log.values_list("number", "status_code"))


def test_a_partner_that_fails_then_recovers_is_retried_on_countdowns(
    tmp_path: Path, partner_server: HTTPServer
) -> None:
    pa = PartnerInbox(partner_server, "/pa", 503, 503)
    pb = PartnerInbox(partner_server, "/pb")
    worker = _start_worker(tmp_path)
    try:
        to_pa, to_pb = _disrupt(tmp_path, pa, pb)
        wait_for(lambda: _settled(to_pa, to_pb), timeout=20, what="both messages to settle")
    finally:
        worker.stop()
    to_pa.refresh_from_db()
    assert (to_pa.status, to_pa.attempts) == ("done", 3)
    assert _attempts(to_pa) == [(1, 503), (2, 503), (3, 200)]
    assert pa.keys == [to_pa.idempotency_key] * 3, "every retry sends the same key"
    assert pa.acted_on == [to_pa.idempotency_key]
    assert pb.keys == pb.acted_on == [to_pb.idempotency_key]


def test_a_send_that_outlives_its_lease_is_swept_and_recorded_once(
    tmp_path: Path, partner_server: HTTPServer, settings_as_the_worker: None
) -> None:
    pa = PartnerInbox(partner_server, "/pa", ("hang", 3 * LEASE_SECONDS))
    pb = PartnerInbox(partner_server, "/pb")
    worker = _start_worker(tmp_path)
    try:
        to_pa, to_pb = _disrupt(tmp_path, pa, pb)
        wait_for(lambda: pa.keys, timeout=20, what="the first send to reach the partner")

        def swept_again() -> bool:
            sweep_partner_messages()  # the test plays beat: the sweep queues the send again on the worker
            return len(pa.keys) == 2

        wait_for(swept_again, timeout=20, what="the sweep to send the hung message again", interval=0.5)
        wait_for(lambda: b"lease lost during attempt 1" in worker.log_path.read_bytes(), timeout=20,
                 what="the hung send to return and find its lease lost")  # fmt: skip
    finally:
        worker.stop()
    to_pa.refresh_from_db()
    assert (to_pa.status, to_pa.attempts) == ("done", 2)
    assert sorted(_attempts(to_pa)) == [(1, 200), (2, 200)], "both attempts are recorded"
    assert pa.keys == [to_pa.idempotency_key] * 2, "the sweep's send carries the same key"
    assert pa.acted_on == [to_pa.idempotency_key]
    assert pb.acted_on == [to_pb.idempotency_key]
    assert due_for_sweep(10) == []


def test_a_last_attempt_that_never_finished_is_buried_by_the_sweep(
    tmp_path: Path, partner_server: HTTPServer, settings_as_the_worker: None
) -> None:
    pa = PartnerInbox(partner_server, "/pa", 503, ("hang", 30))
    pb = PartnerInbox(partner_server, "/pb")
    worker = _start_worker(tmp_path, PARTNER_MAX_ATTEMPTS="2")
    try:
        to_pa, _ = _disrupt(tmp_path, pa, pb)
        wait_for(lambda: len(pa.keys) == 2, timeout=20, what="the last attempt to reach the partner")
    finally:
        worker.kill()  # mid-send of the last attempt
    wait_for(lambda: not due_for_sweep(10) and PartnerMessage.objects.get(id=to_pa.id).status == "dead",
             timeout=5 * LEASE_SECONDS, what="the sweep to bury the message", interval=0.5)  # fmt: skip
    to_pa.refresh_from_db()
    assert (to_pa.attempts, to_pa.attempt_limit) == (2, 2)
    assert to_pa.last_error == "worker lost during the last attempt"
    assert _attempts(to_pa) == [(1, 503)], "the second attempt never came back"
    assert pa.acted_on == []
