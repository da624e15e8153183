"""Sending passenger messages: ``passenger_delivery.send_batch`` in this process, through the hub's email gateway.

    .venv/bin/python bench/passenger_messages.py [--messages 5000] [--channel email|sms]

Loads the demo scenario into BENCH_DATABASE_URL (default h_send_bench, Redis db 12), delays its flights one
after another (under two hours: no notice of rights) and runs the notifications handler of each delay in this
process until N passenger messages exist (emails and texts as the handler writes them, or of one channel
only; the others are removed). A local email gateway (``bench.hub_processes.EmailGateway``, in a child
process so that this process's CPU time is the sender's alone) takes the emails, texts go to a file. Then it
times ``send_batch`` over every message in batches of ``PASSENGER_MESSAGE_BATCH``, and prints messages/s, this
process's CPU ms per message and SQL statements per message (BEGIN and COMMIT not counted), and checks that
every message ended ``done``, the gateway received each request's key once and delivered each email once, and
the file each text once.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import sys
import time
from collections import Counter
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/h_send_bench")
os.environ.setdefault("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12")

from bench.common import ROOT, setup_django
from bench.hub_processes import EmailGateway

SMS_LOG = ROOT / "var" / "bench" / "passenger-messages-sms.log"


def _serve(pipe: Connection) -> None:
    """The gateway's process: says its settings, serves until asked, answers with the requests per key and the
    emails delivered per Message-ID."""
    gateway = EmailGateway()
    gateway.start()
    pipe.send(gateway.environment())
    pipe.recv()
    with gateway.lock:
        pipe.send((dict(gateway.requests), Counter(message_id for _, message_id in gateway.delivered.values())))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=5000, help="passenger messages to send (default 5000)")
    parser.add_argument("--channel", choices=("email", "sms"), help="only messages of this channel (default both)")
    args = parser.parse_args()

    pipe, child_end = multiprocessing.get_context("fork").Pipe()
    gateway = multiprocessing.get_context("fork").Process(target=_serve, args=(child_end,), daemon=True)
    gateway.start()  # before Django: the child needs none of it
    os.environ.update(pipe.recv())  # the gateway's settings
    setup_django(DJANGO_LOG_LEVEL="WARNING", SMS_FILE_PATH=str(SMS_LOG))
    try:
        ids = make_messages(args.messages, args.channel)
        figures = send_all(ids)
        pipe.send("report")
        check(ids, pipe.recv(), figures)
    finally:
        gateway.terminate()


def make_messages(count: int, channel: str | None) -> list[int]:
    """At least ``count`` messages (of ``channel``, if given) written by the notifications handler for delays of
    the demo's flights; the first ``count`` are kept. Returns their ids."""
    import redis
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from events.runner import call_handler
    from flights.models import Flight
    from flights.services import delay_flight
    from notifications.models import PassengerMessage

    redis.Redis.from_url(settings.REDIS_URL).flushdb()
    with open(os.devnull, "w") as quiet:
        call_command("load_scenario", str(ROOT / "scenarios/contract/demo.json"), "--replace", stdout=quiet)
    started = time.perf_counter()
    flights = list(Flight.objects.order_by("id"))
    kept = PassengerMessage.objects.filter(channel=channel) if channel else PassengerMessage.objects.all()
    minutes = 30
    while kept.count() < count:
        for flight in flights:
            call_handler(delay_flight(flight=flight, delay_minutes=minutes, reason="TECH"), "notifications")
        minutes += 1
        if minutes >= 120:
            raise SystemExit(f"the demo scenario's delays under two hours give fewer than {count} messages")
    ids = list(kept.order_by("id").values_list("id", flat=True))[:count]
    PassengerMessage.objects.exclude(id__in=ids).delete()
    redis.Redis.from_url(settings.REDIS_URL).flushdb()  # the send tasks the handler queued: this process sends
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    SMS_LOG.parent.mkdir(parents=True, exist_ok=True)
    SMS_LOG.write_bytes(b"")
    print(f"{count} passenger messages written in {time.perf_counter() - started:.1f} s")
    return ids


def send_all(ids: list[int]) -> dict[str, float]:
    """Send every message in batches; wall seconds, this process's CPU seconds, SQL statements."""
    from django.conf import settings
    from django.db import connection

    from notifications import passenger_delivery

    statements = 0

    def counted(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        nonlocal statements
        statements += 1
        return execute(sql, params, many, context)

    size = settings.PASSENGER_MESSAGE_BATCH
    with connection.execute_wrapper(counted):
        wall, cpu = time.perf_counter(), time.process_time()
        for start in range(0, len(ids), size):
            passenger_delivery.send_batch(ids[start : start + size])
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return {"wall": wall, "cpu": cpu, "statements": statements, "batch": size}


def check(ids: list[int], received: tuple[dict[str, int], Counter[str]], figures: dict[str, float]) -> None:
    """Print the figures; fail unless every message is done, each request was made once, each email delivered
    once, each text sent once."""
    from notifications.models import PassengerMessage
    from notifications.passenger_delivery import message_id_header

    requests, delivered = received
    messages = list(PassengerMessage.objects.filter(id__in=ids))
    emails = [m for m in messages if m.channel == "email"]
    n = len(ids)
    print(
        f"sent {n} messages ({len(emails)} emails, {n - len(emails)} texts) in batches of {figures['batch']:.0f}: "
        f"{figures['wall']:.2f} s, {n / figures['wall']:.0f} messages/s, "
        f"{figures['cpu'] * 1000 / n:.2f} ms CPU of this process per message, "
        f"{figures['statements'] / n:.2f} SQL statements per message"
    )
    texts = Counter(json.loads(line)["reference"] for line in SMS_LOG.read_text().splitlines())
    problems = [
        f"statuses {dict(Counter(m.status for m in messages))}" if any(m.status != "done" for m in messages) else "",
        "a request made again" if set(requests.values()) - {1} else "",
        "emails not delivered exactly once" if delivered != Counter(message_id_header(m) for m in emails) else "",
        "texts not sent exactly once" if texts != Counter(str(m.id) for m in messages if m.channel == "sms") else "",
    ]
    if any(problems):
        raise SystemExit("; ".join(p for p in problems if p))
    print(
        f"every message done; the gateway delivered each of the {len(emails)} emails once in {len(requests)} "
        "requests, the file each text once"
    )


if __name__ == "__main__":
    main()
