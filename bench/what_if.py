"""What-if at hub scale: preview the busiest ROADEF B01 flight, one option and four, beside the same flow run
for real in process, and a real disruption handled while a preview is open.

    .venv/bin/python bench/what_if.py [--skip-load] [--runs 3]

Loads ROADEF B01 (rebased to tomorrow) into BENCH_DATABASE_URL (default whatif) with Redis db 4. Prints, for
the busiest flight: the read of the flight (the floor), one option (delay 240) and four options (delay 120 /
240 / 360, cancel) previewed, the same delay 240 applied and its flow run for real in this process (then
undone by a rolled-back transaction, so runs can repeat), and the time a real delay of another flight from
the same airport takes alone and while a preview of the busiest flight is open.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/whatif")
os.environ.setdefault("BENCH_REDIS_URL", "redis://127.0.0.1:6379/4")

from bench.common import median, setup_django


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--skip-load", action="store_true", help="reuse the scenario already loaded")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    setup_django(DJANGO_LOG_LEVEL="WARNING")
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.db.models import Count, Q

    from events.models import Delivery, Event
    from events.runner import run_delivery
    from flights.models import Flight, FlightStatus
    from flights.services import delay_flight
    from operations.what_if import Option, preview

    if not args.skip_load:
        with open(os.devnull, "w") as quiet:
            path = Path(settings.SHARED_DIR) / "benchmarks" / "roadef-b01.json.gz"
            tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
            call_command("load_scenario", str(path), "--replace", "--rebase", tomorrow, stdout=quiet, stderr=quiet)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    busy = Flight.objects.filter(~Q(status=FlightStatus.CANCELLED)).annotate(
        n=Count("segments__booking__passengers", filter=Q(segments__status="active"))
    )
    busiest = busy.order_by("-n").first()
    neighbour = busy.filter(origin=busiest.origin).exclude(id=busiest.id).order_by("-n").first()
    print(f"busiest {busiest.ref}: {busiest.n} passengers; neighbour {neighbour.ref} ({neighbour.n}), same origin")
    four = [Option.delay(120), Option.delay(240), Option.delay(360), Option.cancel()]

    def timed(work) -> list[float]:
        seconds = []
        for _ in range(args.runs):
            started = time.perf_counter()
            work()
            seconds.append(time.perf_counter() - started)
        return seconds

    class Undo(Exception):
        pass

    def real_flow(flight: Flight, minutes: int) -> None:
        """The option applied and every delivery run in process as a worker would, then undone."""
        try:
            with transaction.atomic():
                root = delay_flight(flight=flight, delay_minutes=minutes, reason="TECH")
                while pending := list(
                    Delivery.objects.filter(event__root=root, status="pending").values_list("id", flat=True)
                ):
                    for delivery_id in pending:
                        run_delivery(delivery_id)
                raise Undo
        except Undo:
            pass

    rows = [
        ("read the flight (floor)", timed(lambda: Flight.objects.get(id=busiest.id))),
        ("preview delay 240", timed(lambda: preview(busiest, [Option.delay(240)], reason="TECH"))),
        ("preview 4 options", timed(lambda: preview(busiest, four, reason="TECH"))),
        ("real flow delay 240 (in process)", timed(lambda: real_flow(busiest, 240))),
        ("neighbour delay 240 alone", timed(lambda: real_flow(neighbour, 240))),
    ]
    beside = []
    for _ in range(args.runs):
        thread = threading.Thread(target=lambda: (preview(busiest, four, reason="TECH"), connection.close()))
        thread.start()
        time.sleep(0.5)  # the preview's transaction is open
        started = time.perf_counter()
        real_flow(neighbour, 240)
        beside.append(time.perf_counter() - started)
        thread.join()
    rows.append(("neighbour delay 240 beside a preview", beside))
    for label, seconds in rows:
        print(f"{label:<40} median {median(seconds):6.3f} s  runs {', '.join(f'{s:.3f}' for s in seconds)}")
    if Event.objects.exists():
        raise SystemExit("a preview or an undone run left an event behind")


if __name__ == "__main__":
    main()
