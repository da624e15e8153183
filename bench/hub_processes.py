"""The hub benchmark's moving parts: the broker, the worker and beat, peak memory of process groups, a partner
inbox, the passengers' email gateway, the faults."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from itertools import count
from pathlib import Path
from urllib.parse import urlsplit

from airline.rabbitmq import rabbitmq_vhost, rabbitmqctl
from bench.common import BENCH_RABBITMQ_URL, BENCH_REDIS_URL, ROOT, bench_env, start_worker, stop

BROKERS = ("redis", "rabbitmq")


def redis_start(port: int) -> list[str]:
    """The command that starts the broker's Redis on ``port`` without persistence (a restart loses its queues)."""
    return ["redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "-::1", "--port", str(port), "--save", "",
            "--appendonly", "no", "--dir", "/var/lib/redis", "--logfile", "/var/log/redis/ci.log"]  # fmt: skip


def start_beat(log: Path, **extra: str) -> subprocess.Popen:
    """celery beat (the relay and the sweeps), as its own process group."""
    return subprocess.Popen(
        [str(ROOT / ".venv/bin/celery"), "-A", "airline", "beat", "--loglevel", "WARNING"],
        cwd=ROOT, env=bench_env(**extra), stdout=log.open("wb"), stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip


def _processes() -> Iterator[tuple[Path, str, list[str]]]:
    """Every process's ``/proc`` entry, its command and the fields of its ``stat`` after the command (state,
    parent, process group, …, user and system ticks at 11 and 12); a process that ended meanwhile is left out."""
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                command, fields = (entry / "stat").read_text().rsplit(")", 1)
            except OSError:
                continue
            yield entry, command, fields.split()


def _rss_by_group() -> dict[int, dict[int, int]]:
    """Resident memory (bytes) of every process, by process group and process id."""
    groups: dict[int, dict[int, int]] = {}
    page = os.sysconf("SC_PAGE_SIZE")
    for entry, _, fields in _processes():
        try:
            resident = int((entry / "statm").read_text().split()[1]) * page
        except (OSError, IndexError, ValueError):
            continue  # the process ended while being read
        groups.setdefault(int(fields[2]), {})[int(entry.name)] = resident
    return groups


def cpu_seconds(groups: dict[str, int]) -> Counter[tuple[str, int]]:
    """CPU seconds (user and system) used so far by each live process, by (name, process id): the processes of
    each named process group, PostgreSQL's (as ``postgres``) and this one (as ``bench``: the email gateway and
    the progress reads). Subtract an earlier reading process by process (a process that ended meanwhile
    drops out instead of taking its CPU off the others'), then add them up by name (:func:`by_name`)."""
    tick = os.sysconf("SC_CLK_TCK")
    names = {group: name for name, group in groups.items()}
    used: Counter[tuple[str, int]] = Counter({("bench", os.getpid()): sum(os.times()[:2])})
    for entry, command, fields in _processes():
        name = names.get(int(fields[2])) or ("postgres" if command.endswith("(postgres") else None)
        if name and int(entry.name) != os.getpid():
            used[name, int(entry.name)] += (int(fields[11]) + int(fields[12])) / tick
    return used


def by_name(used: Counter[tuple[str, int]]) -> Counter[str]:
    """The CPU seconds of :func:`cpu_seconds` (or of a difference of two readings) added up by name."""
    total: Counter[str] = Counter()
    for (name, _), seconds in used.items():
        total[name] += seconds
    return total


class MemoryPeaks(threading.Thread):
    """Samples, twice a second, the resident memory of named process groups; keeps each name's peak total
    (all its processes together) and each of its processes' peak."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.groups: dict[str, int] = {}
        self.total: Counter[str] = Counter()
        self.each: dict[str, Counter[int]] = {}
        self.running = True

    def run(self) -> None:
        while self.running:
            sizes = _rss_by_group()
            for name, group in list(self.groups.items()):
                resident = sizes.get(group, {})
                self.total[name] = max(self.total[name], sum(resident.values()))
                peaks = self.each.setdefault(name, Counter())
                for pid, size in resident.items():
                    peaks[pid] = max(peaks[pid], size)
            time.sleep(0.5)

    def report(self) -> str:
        """Each group's peak in all and of each of its processes (largest first), in MiB."""
        mib = 1024 * 1024
        return ", ".join(
            f"{name} {self.total[name] / mib:.0f} MiB (processes: "
            f"{' / '.join(f'{size / mib:.0f}' for _, size in self.each.get(name, Counter()).most_common())} MiB)"
            for name in self.groups
        )


def _answer(handler: BaseHTTPRequestHandler, status: int, answer: dict[str, object]) -> None:
    """Write one JSON answer."""
    body = json.dumps(answer).encode()
    handler.send_response(status)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


class _QuietHandler(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        return


class PartnerInbox(ThreadingHTTPServer):
    """A partner airline's endpoint: 503 while ``failing`` is set, else 200; counts what it acknowledged."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _InboxHandler)
        self.failing = False
        self.refused = 0
        self.acknowledged: Counter[str] = Counter()  # idempotency key → 2xx answers
        self.lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/px"

    def start(self) -> None:
        threading.Thread(target=self.serve_forever, daemon=True).start()


class _InboxHandler(_QuietHandler):
    server: PartnerInbox

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        with self.server.lock:
            if self.server.failing:
                self.server.refused += 1
                status = 503
            else:
                self.server.acknowledged[self.headers.get("Idempotency-Key", "")] += 1
                status = 200
        _answer(self, status, {"status": status})


class EmailGateway(ThreadingHTTPServer):
    """A transactional email provider's send API (Resend's ``POST /emails`` and ``POST /emails/batch``) as the
    benchmark's passenger email gateway: it delivers each ``Idempotency-Key`` once (a batch's emails once each)
    and answers a repeated one with the first answer, counting it; a batch key repeated with another body is
    refused (409), as is a request without a key (400), as nothing could absorb its repeat."""

    API_KEY = "hub-bench-email-gateway-key"

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _GatewayHandler)
        # an email's key (a batch's email: ``<batch key>#<index>``) → (email id, the email's Message-ID)
        self.delivered: dict[str, tuple[str, str]] = {}
        self.requests: Counter[str] = Counter()  # idempotency key → requests
        self.batches: dict[str, str] = {}  # a batch's key → the digest of its emails
        self.dropped = 0  # connections a killed worker left mid-request
        self.lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/emails"

    def environment(self) -> dict[str, str]:
        """The settings that send a process's email here."""
        return {
            "EMAIL_BACKEND": "notifications.email_gateway.EmailBackend",
            "EMAIL_GATEWAY_URL": self.url,
            "EMAIL_GATEWAY_API_KEY": self.API_KEY,
        }

    def start(self) -> None:
        threading.Thread(target=self.serve_forever, daemon=True).start()

    def handle_error(self, request: object, client_address: object) -> None:
        self.dropped += 1  # the drill SIGKILLs workers: a reset connection is expected, not worth a traceback

    def accept(self, key: str, body: bytes, emails: list[dict]) -> list[str] | None:
        """Record one request for ``key`` sending ``emails`` (as ``body``); the ids of the emails delivered for it,
        or None if the key came with another body before."""
        digest = hashlib.sha256(body).hexdigest()
        with self.lock:
            self.requests[key] += 1
            if self.batches.setdefault(key, digest) != digest:
                return None
            return [
                self.delivered.setdefault(f"{key}#{index}", (str(uuid.uuid4()), _message_id(email)))[0]
                for index, email in enumerate(emails)
            ]


def _message_id(email: dict) -> str:
    return email.get("headers", {}).get("Message-ID", "")


class _GatewayHandler(_QuietHandler):
    server: EmailGateway
    protocol_version = "HTTP/1.1"  # keep-alive: a batch's emails share one connection, as with a provider
    disable_nagle_algorithm = True  # else each answer's body waits for the client's delayed ACK (40 ms)

    def do_POST(self) -> None:
        raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        body = json.loads(raw)
        key = self.headers.get("Idempotency-Key", "")
        batch = self.path.endswith("/batch")
        if self.headers.get("Authorization") != f"Bearer {self.server.API_KEY}":
            _answer(self, 401, {"message": "API key is invalid"})
        elif not key:
            _answer(self, 400, {"message": "Idempotency-Key is required by this gateway"})
        elif (ids := self.server.accept(key, raw, body if batch else [body])) is None:
            _answer(self, 409, {"name": "invalid_idempotent_request"})
        else:
            _answer(self, 200, {"data": [{"id": email_id} for email_id in ids]} if batch else {"id": ids[0]})


def restart_redis() -> str:
    """Stop the Redis of ``BENCH_REDIS_URL`` without saving (queued messages are lost, as in a crash) and start
    it again; says so. Point ``BENCH_REDIS_URL`` at a Redis of the benchmark's own port to spare the others."""
    port = str(urlsplit(BENCH_REDIS_URL).port or 6379)
    subprocess.run(["redis-cli", "-p", port, "shutdown", "nosave"], capture_output=True, check=False)
    time.sleep(1)
    subprocess.run(redis_start(int(port)), check=True, capture_output=True)
    for _ in range(50):
        if subprocess.run(["redis-cli", "-p", port, "ping"], capture_output=True, text=True).stdout.strip() == "PONG":
            return "Redis restarted, its queues lost"
        time.sleep(0.1)
    raise RuntimeError("Redis did not come back")


def _queued(vhost: str) -> int:
    """Messages in the queues of a RabbitMQ virtual host, ready or unacknowledged."""
    listed = rabbitmqctl("list_queues", "--quiet", "--no-table-headers", "-p", vhost, "messages")
    return sum(int(n) for n in listed.split())


def restart_rabbitmq(vhost: str) -> str:
    """Stop the RabbitMQ application (every connection closed, as in a crash of the node) and start it again;
    says how many messages the virtual host's queues held (RabbitMQ's count of quorum queues lags a few
    seconds, so only the count before is given: just after the start it still reads 0)."""
    before = _queued(vhost)
    rabbitmqctl("stop_app")
    time.sleep(1)
    rabbitmqctl("start_app")
    rabbitmqctl("await_startup")
    return f"RabbitMQ restarted (stop_app, start_app) with about {before} messages in its quorum queues"


@contextmanager
def broker(name: str) -> Iterator[Callable[[], str]]:
    """Make the broker named ``name`` the one this process and the processes it starts use; yields the fault
    that restarts it. Redis is ``BENCH_REDIS_URL`` (broker and cache at once); RabbitMQ is a virtual host of
    this run's own (deleted afterwards), and Redis then only the cache. Enter it before Django is set up."""
    if name == "redis":
        yield restart_redis
        return
    with rabbitmq_vhost(BENCH_RABBITMQ_URL, "airline-bench") as url:
        os.environ["BROKER_URL"] = url
        try:
            yield lambda: restart_rabbitmq(url.rsplit("/", 1)[1])
        finally:
            del os.environ["BROKER_URL"]


def terminate_database_connections() -> int:
    """Drop every other connection to the benchmark database (as a failover would); returns how many."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


class Faults(threading.Thread):
    """The fault drill, from the moment the delays are committed: SIGKILL the worker every ``kill_every``
    seconds (20; ``kills`` times, else until the end) and start it again; restart the broker at 30 s; drop the
    database connections at 50 s; the partner answers 503 for the first minute."""

    def __init__(
        self,
        restart_worker: Callable[[], None],
        restart_broker: Callable[[], str],
        inbox: PartnerInbox,
        kill_every: float = 20.0,
        kills: int | None = None,
    ) -> None:
        super().__init__(daemon=True)
        self.kill_every = kill_every
        self.restart_worker = restart_worker
        self.restart_broker = restart_broker
        self.inbox = inbox
        self.running = True
        self.log: list[str] = []
        self.kills = 0
        self.kill_limit = 999 if kills is None else kills  # 999 kills: beyond any run

    def run(self) -> None:
        started = time.monotonic()
        self.inbox.failing = True
        kills = [(self.kill_every * n, "kill") for n in range(1, self.kill_limit + 1)]
        schedule = [*kills, (30.0, "broker"), (50.0, "database"), (60.0, "partner")]
        for at, fault in sorted(schedule):
            while self.running and time.monotonic() - started < at:
                time.sleep(0.2)
            if not self.running:
                break
            self._inject(fault, time.monotonic() - started)
        self.inbox.failing = False

    def _inject(self, fault: str, at: float) -> None:
        if fault == "kill":
            self.restart_worker()
            self.kills += 1
            self.log.append(f"{at:5.0f} s  worker SIGKILLed and restarted")
        elif fault == "broker":
            self.log.append(f"{at:5.0f} s  {self.restart_broker()}")
        elif fault == "database":
            self.log.append(f"{at:5.0f} s  {terminate_database_connections()} database connections terminated")
        else:
            self.inbox.failing = False
            self.log.append(f"{at:5.0f} s  partner answers again (503 to {self.inbox.refused} requests before)")


def kill_group(process: subprocess.Popen) -> None:
    """SIGKILL a process group: no warm shutdown, nothing acknowledged."""
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)


class Fleet:
    """The Celery worker (2 processes, every queue) and beat, each its own process group, with their peak
    memory; the fault drill kills and restarts the worker."""

    def __init__(self, work_dir: Path, worker_nice: int, **extra: str) -> None:
        self.work_dir = work_dir
        self.worker_nice = worker_nice
        self.extra = extra
        self.processes: dict[str, subprocess.Popen] = {}
        self.memory = MemoryPeaks()
        self.incarnations = count()

    def _start_worker(self) -> None:
        log = self.work_dir / f"worker-{next(self.incarnations)}.log"
        self.add("worker", start_worker(log, nice=self.worker_nice, **self.extra))

    def start(self) -> None:
        """The worker and beat; memory sampling from then on."""
        self._start_worker()
        self.add("beat", start_beat(self.work_dir / "beat.log", **self.extra))
        self.memory.start()

    def add(self, name: str, process: subprocess.Popen) -> None:
        """Stop ``process`` with the others at the end and sample its memory as ``name``."""
        self.processes[name] = process
        self.memory.groups[name] = process.pid

    def restart_worker(self) -> None:
        """SIGKILL the worker and start a new one."""
        kill_group(self.processes["worker"])
        self._start_worker()

    def stop(self) -> None:
        self.memory.running = False
        for process in self.processes.values():
            stop(process)
