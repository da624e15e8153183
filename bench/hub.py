"""Hub scale: every ROADEF B01 delay at once, through the services, until every flow has completed.

    .venv/bin/python bench/hub.py [--copies 1 [--baseline]] [--broker redis|rabbitmq] [--api] [--faults]
                                    [--delays N] [--kill-every S]

Loads ROADEF B01 ($AIRLINE_SHARED_DIR/benchmarks/roadef-b01.json.gz: 2,556 flights, 207k passengers) into
BENCH_DATABASE_URL (default ``airline_bench_hub``, dropped and created anew; Redis BENCH_REDIS_URL, db 3),
rebased by whole days so that the first delayed flight departs 2 to 26 hours after the run starts (rebooking
never offers a flight that has left) — with ``--copies N``, N copies side by side, each rebased 3 days after
the one before with its own locators — starts one
Celery worker of 2 processes and beat, applies all 229 delays of ``roadef-b01.disruptions.json`` (of every
copy) through ``flights.services.delay_flight``, one transaction each, as fast as it can, and waits until
every flow is ``completed`` (or ``failed``) and every passenger and partner message is settled. Passenger
emails go to a local email gateway (an HTTP send API that delivers each ``Idempotency-Key`` once,
``bench/hub_processes.EmailGateway``). Prints:

- time to apply the delays, to all flows completed, to all messages settled (the rows' own finish times);
- throughput: passengers on the delayed flights per second, deliveries per second;
- per subscriber: deliveries, handler seconds (sum, median, max) and when its last delivery finished;
- peak resident memory of the worker, beat and (with ``--api``) web process groups;
- the CPU seconds spent from the last flow completed to the last message settled (the send phase) by the
  worker's and beat's processes, PostgreSQL's and this one's (the email gateway);
- with ``--api``: gunicorn (2 workers) serving gate lookups to wrk at 16, then 64 connections for 20 s
  each while the fan-out runs: requests/s, p50, p99 (``--web-nice -10`` gives the web and wrk the CPU
  first; ``--think-ms N`` makes each connection pause N ms between requests, as mobile clients do,
  instead of asking again the moment it has an answer);
- with ``--broker rabbitmq``: the same on RabbitMQ (``BROKER_URL`` on a virtual host of the run's own at
  BENCH_RABBITMQ_URL, deleted afterwards; Redis is then only the cache);
- with ``--faults``: every 4th flight that is not delayed flown by a partner whose endpoint answers 503
  for the first minute; the worker SIGKILLed every 20 s and restarted, the broker restarted at 30 s (Redis
  without saving: its queues lost; RabbitMQ with ``stop_app`` / ``start_app``: its quorum queues kept),
  the database connections terminated at 50 s;
- with ``--delays N``: only the first N delays (of the first copy), and with ``--kill-every S`` a SIGKILL
  every S seconds instead of 20: a smaller round for a machine so busy that a worker needs most of 20 s to
  start;
- with ``--copies N --baseline``: a 1 × round first, then the N × round, each loaded anew, and the N × times
  as a multiple of the 1 × times of the same run (goal 3's linearity);
- the audit (``bench/hub_audit.py``): flows by status, dead deliveries with their errors, effects held
  twice, seats held beyond the passengers seated, emails the gateway delivered twice and the repeated
  requests it absorbed, texts sent twice, partner messages acknowledged twice. With ``--faults`` the Redis
  restarted is the one of BENCH_REDIS_URL: give it a port of its own when others use the machine's Redis.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import json
import os
import statistics
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/airline_bench_hub")
os.environ.setdefault("BENCH_REDIS_URL", "redis://127.0.0.1:6379/3")

from bench.common import ROOT, setup_django
from bench.hub_processes import BROKERS, EmailGateway, Faults, Fleet, PartnerInbox, broker, by_name, cpu_seconds

if TYPE_CHECKING:
    from bench.hub_audit import Findings

WORK_DIR = ROOT / "var" / "bench" / "hub"
# Emails go to the run's EmailGateway (its ``environment()`` is added to these), texts to a file.
EXTRA = {"DJANGO_LOG_LEVEL": "WARNING", "SMS_FILE_PATH": str(WORK_DIR / "sms.log")}
PARTNER_SECRET = "hub-bench-partner-secret"  # noqa: S105 - the benchmark's own local partner
# How long after the run starts the first delayed flight departs, at least.
LEAD = dt.timedelta(hours=2)


def build_scenario(copies: int, faults: bool, partner_url: str) -> tuple[Path, list[dict]]:
    """The scenario file to load and the delays to apply, moved ahead of now by whole days."""
    from django.conf import settings
    from django.utils import timezone

    from bench.hub_network import moved_ahead, shifted_delays, side_by_side, with_partner
    from scenarios.files import read_document

    benchmarks = Path(settings.SHARED_DIR) / "benchmarks"
    document = read_document(benchmarks / "roadef-b01.json.gz")
    delays = json.loads((benchmarks / "roadef-b01.disruptions.json").read_text())["delays"]
    if faults:
        document = with_partner(document, delays, partner_url, PARTNER_SECRET)
    document, delays = moved_ahead(document, delays, timezone.now() + LEAD)
    document, shifts = side_by_side(document, copies, days_apart=3)
    path = WORK_DIR / "scenario.json"
    path.write_text(json.dumps(document))
    return path, shifted_delays(delays, shifts)


def load(path: Path) -> float:
    from django.core.management import call_command
    from django.db import connection

    started = time.perf_counter()
    with open(os.devnull, "w") as quiet:
        call_command("load_scenario", str(path), "--replace", stdout=quiet, stderr=quiet)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return time.perf_counter() - started


def delayed_flights(delays: list[dict]) -> list[object]:
    """The flight each delay names (``DESIGNATOR/DATE``, as ``FlightRef`` prints it), in the delays' order."""
    from flights.models import Flight

    flights = {str(f.ref): f for f in Flight.objects.select_related("origin", "destination")}
    return [flights[delay["flight"]] for delay in delays]


def apply_delays(flights: list[object], delays: list[dict]) -> list[object]:
    """Delay every flight through the services, one committed event each; returns the events' ids."""
    from flights.services import delay_flight

    return [delay_flight(flight=f, delay_minutes=d["delay_minutes"]).id for f, d in zip(flights, delays, strict=True)]


def affected_passengers(flights: list[object]) -> int:
    """Passengers booked on any of the flights."""
    from passengers.models import Passenger

    return (
        Passenger.objects.filter(
            booking__segments__flight_id__in=[f.id for f in flights], booking__segments__status="active"
        )
        .distinct()
        .count()
    )


def unsettled() -> tuple[int, int]:
    """Deliveries, and passenger and partner messages, not yet done or dead."""
    from events.leasing import OPEN
    from events.models import Delivery
    from notifications.models import PartnerMessage, PassengerMessage

    deliveries, passengers, partners = (
        model.objects.filter(status__in=OPEN).count() for model in (Delivery, PassengerMessage, PartnerMessage)
    )
    return deliveries, passengers + partners


def wait_until_settled(
    started: float, timeout: float, cpu: Callable[[], Counter[tuple[str, int]]] = Counter
) -> Counter[str]:
    """Wait until every delivery was done or dead and every message settled too (:func:`finish_times` says when);
    return the CPU seconds (``cpu()``, none by default) spent between the two. Prints progress every 15 s, in
    seconds from ``started``, and gives up after ``timeout`` of them."""
    from django.db import OperationalError, connection

    cpu_at_flows_done: Counter[tuple[str, int]] | None = None
    last_report = 0.0
    while True:
        try:
            open_deliveries, open_messages = unsettled()
        except OperationalError:  # the drill terminated this connection too
            connection.close()
            continue
        now = time.perf_counter() - started
        if cpu_at_flows_done is None and open_deliveries == 0:
            cpu_at_flows_done = cpu()
        if cpu_at_flows_done is not None and open_messages == 0:
            return by_name(cpu() - cpu_at_flows_done)
        if now - last_report >= 15:
            print(f"  {now:5.0f} s: {open_deliveries} deliveries open, {open_messages} messages open")
            last_report = now
        if now > timeout:
            raise SystemExit(f"not settled after {timeout:.0f} s")
        time.sleep(1)


def subscriber_table(started_at: object) -> list[str]:
    """Per subscriber: deliveries, handler seconds and when its last delivery finished."""
    from events.models import Delivery

    rows: dict[str, list] = defaultdict(list)
    for subscriber, began, finished in Delivery.objects.filter(status="done").values_list(
        "subscriber", "started_at", "finished_at"
    ):
        rows[subscriber].append(((finished - began).total_seconds(), (finished - started_at).total_seconds()))
    lines = [f"{'subscriber':<14} {'deliveries':>10} {'handler s sum':>13} {'median':>7} {'max':>7} {'last done':>9}"]
    for subscriber, values in sorted(rows.items(), key=lambda item: -max(v[1] for v in item[1])):
        spent = [v[0] for v in values]
        lines.append(
            f"{subscriber:<14} {len(values):>10} {sum(spent):>13.1f} {statistics.median(spent):>7.2f} "
            f"{max(spent):>7.2f} {max(v[1] for v in values):>8.1f}s"
        )
    return lines


def audit_lines(found: Findings) -> list[str]:
    """The audit, one finding a line."""
    lines = [f"flows: {dict(found.flows)}", f"redone: {found.redone}", f"dead deliveries: {len(found.dead)}"]
    lines += [f"  {subscriber} on {event_type}: {error}" for subscriber, event_type, error in found.dead]
    lines += [f"held twice, {label}: {n}" for label, n in found.held_twice.items()]
    lines.append(f"flight cabins whose seat counter drifted from the passengers seated: {found.seats_drifted}")
    emails = found.emails
    lines.append(f"emails delivered by the gateway {emails.delivered}, of them a Message-ID delivered before: "
                 f"{emails.twice}, beyond the email messages done: {emails.unaccounted}")  # fmt: skip
    lines.append(f"email requests repeated (absorbed by the gateway's idempotency): {emails.absorbed}")
    lines.append(f"texts sent {found.texts[0]}, of them a reference sent before: {found.texts[1]}")
    lines.append(f"partner messages: {found.partner_messages}")
    if found.acknowledged is not None:
        lines.append(
            f"partner inbox: {sum(found.acknowledged.values())} acknowledged, {len(found.acknowledged)} distinct "
            f"idempotency keys ({found.acknowledged_twice} acknowledged twice), {found.refused} answered 503"
        )
    return lines


def audit(roots: list[object], seats_before: dict, gateway: EmailGateway, inbox: PartnerInbox | None) -> Findings:
    """The audit of the flows of ``roots``."""
    from django.db import connection

    from bench import hub_audit

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # the tables the run filled had no statistics: the audit's plans need them
    return hub_audit.findings(roots, seats_before, gateway, WORK_DIR / "sms.log", inbox)


@dataclass
class Network:
    """B01 (or its copies) loaded, with the delays to apply and what the audit compares against."""

    flights: list[object]  # the delayed flights, in the delays' order
    delays: list[dict]
    seats_before: dict


def prepare(copies: int, inbox: PartnerInbox | None, extra: dict[str, str]) -> Network:
    """A fresh benchmark database with ``copies`` × B01 loaded (with the partner of the fault drill when there is
    an ``inbox``), Redis emptied, the texts of earlier runs removed; this process set up with ``extra``."""
    WORK_DIR.mkdir(parents=True, exist_ok=True)
    (WORK_DIR / "sms.log").unlink(missing_ok=True)
    from django.apps import apps

    if apps.ready:  # a round before this one: its connections would keep its database from being dropped
        from django.db import connections

        connections.close_all()
    setup_django(fresh=True, **extra)  # each round loads the network anew
    import redis
    from django.conf import settings
    from django.utils import timezone

    from bench import hub_audit
    from flights.models import Airline

    redis.Redis.from_url(settings.REDIS_URL).flushdb()
    path, delays = build_scenario(copies, inbox is not None, inbox.url if inbox else "")
    print(f"loaded {copies} × B01 in {load(path):.1f} s; {len(delays)} delays to apply")
    if inbox:
        Airline.objects.filter(own=False).update(endpoint=inbox.url)
    flights = delayed_flights(delays)
    first = min(f.scheduled_departure for f in flights)
    hours = (first - timezone.now()).total_seconds() / 3600
    print(f"first delayed flight departs {first:%Y-%m-%d %H:%M} UTC, {hours:.1f} h from now")
    return Network(flights, delays, hub_audit.unaccounted_seats())


@dataclass
class Settled:
    """Delays applied and run to the end: their events, and how long each stage took."""

    roots: list[object]
    started_at: dt.datetime
    passengers: int
    flows_done: float  # s from the first delay committed until the last delivery finished (done or dead)
    messages_done: float  # … until the last passenger or partner message finished too
    cpu_after_flows: Counter[str]  # CPU s from flows_done to messages_done, by process group


def run_delays(
    flights: list[object],
    delays: list[dict],
    faults: Faults | None,
    timeout: float,
    cpu: Callable[[], Counter[tuple[str, int]]] = Counter,
    during: Callable[[], None] | None = None,
) -> Settled:
    """Apply the delays, start the faults (if any), run ``during`` and wait until everything is settled; ``cpu``
    says the CPU seconds used so far, by process group (none by default)."""
    from django.utils import timezone

    passengers = affected_passengers(flights)
    started, started_at = time.perf_counter(), timezone.now()
    roots = apply_delays(flights, delays)
    applied = time.perf_counter() - started
    print(f"applied {len(roots)} delays in {applied:.1f} s ({passengers:,} passengers on the delayed flights)")
    if faults:
        faults.start()
    try:
        if during:
            during()
        cpu_after_flows = wait_until_settled(started, timeout, cpu)
    finally:
        if faults:
            faults.running = False
            faults.join()
    flows_done, messages_done = finish_times(started_at)
    return Settled(roots, started_at, passengers, flows_done, messages_done, cpu_after_flows)


def finish_times(started_at: dt.datetime) -> tuple[float, float]:
    """Seconds from ``started_at`` to the last delivery's finish, and to the last finish of a delivery or a message:
    the rows' own ``finished_at``, not when the polling (once a second) noticed them."""
    from django.db.models import Max

    from events.models import Delivery
    from notifications.models import PartnerMessage, PassengerMessage

    def last(model: type) -> dt.datetime | None:
        return model.objects.aggregate(last=Max("finished_at"))["last"]

    flows = last(Delivery)
    settled = max(moment for moment in (flows, last(PassengerMessage), last(PartnerMessage)) if moment)
    return (flows - started_at).total_seconds(), (settled - started_at).total_seconds()


def print_faults(faults: Faults) -> None:
    print("faults:\n" + "\n".join(f"  {line}" for line in faults.log))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--copies", type=int, default=1, help="copies of B01 side by side (default 1)")
    parser.add_argument("--baseline", action="store_true", help="with --copies N: a 1 × round first, for the ratio")
    parser.add_argument("--broker", choices=BROKERS, default="redis", help="the Celery broker (default redis)")
    parser.add_argument("--api", action="store_true", help="gate lookups with wrk while the fan-out runs")
    parser.add_argument("--faults", action="store_true", help="the fault drill while the fan-out runs")
    parser.add_argument("--kills", type=int, help="with --faults: worker SIGKILLs (default: until the end)")
    parser.add_argument("--worker-nice", type=int, default=0, help="the worker's nice level")
    parser.add_argument("--web-nice", type=int, default=0, help="the web's nice level (negative: the web first)")
    parser.add_argument("--think-ms", type=int, default=0, help="each API connection's pause between requests")
    parser.add_argument("--delays", type=int, default=0, help="apply only the first N delays (default all)")
    parser.add_argument("--kill-every", type=float, default=20.0, help="seconds between worker SIGKILLs (20)")
    parser.add_argument("--timeout", type=float, default=3600)
    args = parser.parse_args()
    if args.baseline and args.copies < 2:
        parser.error("--baseline compares N × B01 with 1 ×: give --copies 2 or more")

    with broker(args.broker) as restart_broker:
        print(f"broker: {args.broker}")
        baseline = run_round(args, 1, restart_broker) if args.baseline else None
        if baseline:
            print(f"\n{args.copies} × B01, the same run:")
        measured = run_round(args, args.copies, restart_broker)
    if baseline:
        print(linearity(args.copies, measured, baseline))


def run_round(args: argparse.Namespace, copies: int, restart_broker: Callable[[], None]) -> Settled:
    """``copies`` × B01 loaded anew and every delay run to the end on a fleet of its own, with its own email
    gateway (and partner, with ``--faults``); prints the round's figures and audit."""
    inbox = PartnerInbox() if args.faults else None
    if inbox:
        inbox.start()
    gateway = EmailGateway()
    gateway.start()
    extra = EXTRA | gateway.environment()
    network = prepare(copies, inbox, extra)
    fleet = Fleet(WORK_DIR, args.worker_nice, **extra)
    faults = Faults(fleet.restart_worker, restart_broker, inbox, args.kill_every, args.kills) if inbox else None
    try:
        fleet.start()
        during = gate_api_during_fanout(fleet, args.web_nice, args.think_ms) if args.api else None
        part = slice(args.delays or None)  # a smaller round, for a machine too busy for all of B01
        cpu = functools.partial(cpu_seconds, fleet.memory.groups)
        settled = run_delays(network.flights[part], network.delays[part], faults, args.timeout, cpu, during)
    finally:
        fleet.stop()

    from events.models import Delivery, Event

    found = audit(settled.roots, network.seats_before, gateway, inbox)
    for server in (gateway, inbox):
        if server:
            server.shutdown()
            server.server_close()
    deliveries = Delivery.objects.count()
    chained = Event.objects.exclude(id__in=settled.roots).count()
    took = settled.flows_done
    print(f"all flows completed {took:.1f} s after the first delay was committed; every message settled at "
          f"{settled.messages_done:.1f} s, {settled.messages_done - took:.1f} s after the last flow")  # fmt: skip
    print(f"{len(settled.roots)} disruptions, {chained} chained events, {deliveries:,} deliveries: "
          f"{deliveries / took:.0f} deliveries/s, {settled.passengers / took:.0f} passengers/s")  # fmt: skip
    print("\n".join(subscriber_table(settled.started_at)))
    print(f"peak resident memory: {fleet.memory.report()}")
    spent = ", ".join(f"{name} {seconds:.2f}" for name, seconds in settled.cpu_after_flows.most_common())
    print(f"CPU s from the last flow to the last message settled: {spent}")
    if faults:
        print_faults(faults)
    print("audit:\n" + "\n".join(f"  {line}" for line in audit_lines(found)))
    return settled


def linearity(copies: int, measured: Settled, baseline: Settled) -> str:
    """How many times the 1 × ``baseline``'s times ``copies`` × B01 took, flows and messages."""
    return (
        f"linearity: {copies} × B01's flows completed in {measured.flows_done:.1f} s, "
        f"{measured.flows_done / baseline.flows_done:.2f} × the 1 × baseline's {baseline.flows_done:.1f} s; "
        f"its messages settled at {measured.messages_done:.1f} s, "
        f"{measured.messages_done / baseline.messages_done:.2f} × the baseline's {baseline.messages_done:.1f} s"
    )


def gate_api_during_fanout(fleet: Fleet, web_nice: int, think_ms: int) -> Callable[[], None]:
    """Start gunicorn on the gate API (2 workers) and warm its cache; returns what measures it with wrk at 16,
    then 64 connections while the fan-out runs."""
    from bench import gate_api

    port = gate_api.free_port()
    web_env = {k: v for k, v in EXTRA.items() if k != "DJANGO_LOG_LEVEL"}
    fleet.add("web", gate_api.serve(port, 2, nice=web_nice, **web_env))
    paths = gate_api.gate_paths()
    for path in paths:  # warm: the loader's bulk insert caches no flight; misses are measured apart
        gate_api.get(port, path)

    def measure() -> None:
        for connections in (16, 64):
            run = gate_api.wrk(fleet.processes["web"], port, paths, 20, connections, nice=web_nice, think_ms=think_ms)
            print(f"gate API at {connections} connections during the fan-out: {run}")

    return measure


if __name__ == "__main__":
    main()
