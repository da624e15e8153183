"""Soak: B01 with every fault at once on RabbitMQ, round after round, audited after each round.

    .venv/bin/python bench/soak.py [--rounds 1] [--broker rabbitmq|redis]

Loads ``--rounds`` copies of ROADEF B01 side by side (as ``bench/hub.py --copies``: each copy rebased 3 days
after the one before, with its own locators) into BENCH_DATABASE_URL (default ``airline_bench_soak``, dropped
and created anew; Redis BENCH_REDIS_URL, db 13, the cache), starts one worker of 2 processes and beat on a
RabbitMQ virtual host of the run's own, and in each round applies the next copy's 229 delays under the whole
fault drill of ``hub.py --faults`` at once: the worker SIGKILLed every 20 s, RabbitMQ restarted at 30 s, the
database connections terminated at 50 s, the partner answering 503 for the first minute. Once the round has
settled it prints the faults and the audit's counts (``bench/hub_audit.py``: lost, duplicated, dead
deliveries, effects held twice, messages sent twice, the email requests the gateway absorbed by their
idempotency key, seat counters drifted) for the round and, at the end, for all rounds. Exits 1 if anything
was lost or duplicated.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/airline_bench_soak")
os.environ.setdefault("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")

from bench.hub import EXTRA, WORK_DIR, audit, prepare, print_faults, run_delays
from bench.hub_processes import BROKERS, EmailGateway, Faults, Fleet, PartnerInbox, broker

COLUMNS = ["lost", "duplicated", "dead deliveries", "effects held twice", "messages sent twice",
           "email repeats absorbed", "seat counters drifted"]  # fmt: skip


def table_row(label: str, timings: str, counts: dict[str, int]) -> str:
    return f"{label:<6} {timings:>28} " + " ".join(f"{counts[c]:>{len(c)}}" for c in COLUMNS)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=1, help="rounds, each on a copy of B01 of its own")
    parser.add_argument("--broker", choices=BROKERS, default="rabbitmq", help="the Celery broker (default rabbitmq)")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds each round may take to settle")
    args = parser.parse_args()

    rows: list[str] = []
    previous = dict.fromkeys(COLUMNS, 0)
    with broker(args.broker) as restart_broker:
        print(f"broker: {args.broker}")
        inbox = PartnerInbox()
        inbox.start()
        gateway = EmailGateway()
        gateway.start()
        extra = EXTRA | gateway.environment()
        network = prepare(args.rounds, inbox, extra)
        per_round = len(network.delays) // args.rounds
        fleet = Fleet(WORK_DIR, 0, **extra)
        roots: list[object] = []
        try:
            fleet.start()
            for n in range(args.rounds):
                print(f"round {n + 1} of {args.rounds}")
                part = slice(n * per_round, (n + 1) * per_round)
                faults = Faults(fleet.restart_worker, restart_broker, inbox)
                settled = run_delays(network.flights[part], network.delays[part], faults, args.timeout)
                print_faults(faults)
                roots += settled.roots
                counts = audit(roots, network.seats_before, gateway, inbox).counts()
                timings = f"{settled.flows_done:.1f} s / {settled.messages_done:.1f} s, {faults.kills} kills"
                rows.append(table_row(str(n + 1), timings, {c: counts[c] - previous[c] for c in COLUMNS}))
                print(rows[-1])
                previous = counts
        finally:
            fleet.stop()
    header = f"{'round':<6} {'flows done / settled, kills':>28} " + " ".join(COLUMNS)
    print("\n".join([header, *rows, table_row("total", "", previous)]))
    if previous["lost"] or previous["duplicated"]:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
