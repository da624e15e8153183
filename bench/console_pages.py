"""Console pages at hub scale: every page of the operations console, timed with ROADEF B01 loaded and its flows run.

    .venv/bin/python bench/console_pages.py [--delays N] [--runs 5] [--pages-only]

Loads ROADEF B01 into BENCH_DATABASE_URL (default ``airline_bench_console``, dropped and created anew; Redis
BENCH_REDIS_URL, db 12) rebased ahead of now as ``bench/hub.py`` does, applies its delays (all 229, or the first
``--delays N``), runs them to completion with one Celery worker and beat (so duties, vouchers, stays, cases,
compensation and messages exist at hub scale), then renders each console page in this process through Django's
test client, logged in as a superuser: the dashboard, every admin list page, one change page per model (the
disruption page of the largest flow, the passenger page of the passenger with the most duties) and the
filtered lists the dashboard and the disruption page link to.

Prints, per page: the median and slowest of ``--runs`` renders (after one warm-up render), the SQL queries one
render issues, and the rows the page lists. The baseline, measured in the same run: Django's own Groups list, the
smallest admin page there is (session, permissions and template rendering, nothing of ours). The target is
300 ms per page (issue 14). ``--pages-only`` times the pages again on the network the last run left.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.test import Client

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/airline_bench_console")
os.environ.setdefault("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12")

from bench.common import ROOT, median, setup_django, start_worker, stop
from bench.hub_processes import start_beat

WORK_DIR = ROOT / "var" / "bench" / "console"
EXTRA = {
    "DJANGO_LOG_LEVEL": "WARNING",
    "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
    "EMAIL_FILE_PATH": str(WORK_DIR / "mail"),
    "SMS_FILE_PATH": str(WORK_DIR / "sms.log"),
}
TARGET_MS = 300


def run_flows(delay_count: int | None) -> int:
    """Load B01 ahead of now, apply its delays and wait until every flow and message has settled; returns the
    number of delays applied."""
    from django.db import connection
    from django.utils import timezone

    from bench import hub

    hub.WORK_DIR.mkdir(parents=True, exist_ok=True)  # where it writes the rebased network
    path, delays = hub.build_scenario(1, faults=False, partner_url="")
    delays = delays[:delay_count] if delay_count else delays
    print(f"loaded B01 in {hub.load(path):.1f} s; applying {len(delays)} delays")
    worker = start_worker(WORK_DIR / "worker.log", **EXTRA)
    beat = start_beat(WORK_DIR / "beat.log", **EXTRA)
    try:
        started, started_at = time.perf_counter(), timezone.now()
        hub.apply_delays(hub.delayed_flights(delays), delays)
        hub.wait_until_settled(started, timeout=3600)
        flows, messages = hub.finish_times(started_at)
        print(f"flows completed in {flows:.0f} s, messages settled in {messages:.0f} s")
    finally:
        stop(beat)
        stop(worker)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return len(delays)


def pages(user: User) -> list[tuple[str, str]]:
    """(label, URL) of every console page: the dashboard, each model's list and one of its change pages, and
    the filtered lists operators are sent to."""
    from django.contrib import admin
    from django.db.models import Count
    from django.test import RequestFactory
    from django.urls import reverse

    from events.models import Event
    from operations.disruption_summary import summary_of
    from operations.models import Duty
    from passengers.models import Passenger

    largest_root = (
        Event.objects.filter(caused_by__isnull=True)
        .annotate(deliveries_in_flow=Count("flow_events__deliveries"))
        .order_by("-deliveries_in_flow")
        .values_list("pk", flat=True)
        .first()
    )
    busiest = Duty.objects.values("passenger_id").annotate(n=Count("id")).order_by("-n").first()
    representative = {Event: largest_root, Passenger: busiest["passenger_id"] if busiest else None}
    found = [("dashboard", reverse("admin:index"))]
    request = RequestFactory().get("/admin/")
    request.user = user
    for model, model_admin in sorted(admin.site._registry.items(), key=lambda entry: entry[0]._meta.label):
        opts = model._meta
        found.append((f"{opts.label} list", reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")))
        listed = model_admin.get_queryset(request).order_by("pk").values_list("pk", flat=True)
        pk = representative.get(model) or listed.last()
        if pk is not None:
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[pk])
            found.append((f"{opts.label} page", url))
    duties = reverse("admin:operations_duty_changelist")
    found += [
        ("open duties", f"{duties}?status__exact=open"),
        ("overdue duties", f"{duties}?status__exact=open&overdue=yes"),
    ]
    if largest_root is not None:  # the lists the largest disruption's figures open, filtered to it
        summary = summary_of(largest_root)
        found += [(f"disruption's {figure.label}", figure.url) for figure in summary.figures + summary.duties]
    return found


def measure(client: Client, url: str, runs: int) -> tuple[float, float, int, int]:
    """Median and slowest milliseconds of ``runs`` renders after a warm-up, the queries and the status of one."""
    from django.db import connection

    queries: list[str] = []  # counted by a wrapper: the debug query log is capped, and a full one counts nothing

    def counted(execute: Any, sql: str, *rest: Any) -> Any:
        queries.append(sql)
        return execute(sql, *rest)

    with connection.execute_wrapper(counted):
        response = client.get(url)
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
    return median(timings), max(timings), len(queries), response.status_code


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--delays", type=int, default=0, help="apply only the first N delays (default: all)")
    parser.add_argument("--runs", type=int, default=5, help="timed renders per page (default 5)")
    parser.add_argument("--pages-only", action="store_true", help="time the pages of the network a run left")
    args = parser.parse_args()

    WORK_DIR.mkdir(parents=True, exist_ok=True)
    setup_django(fresh=not args.pages_only, **EXTRA)
    import redis
    from django.conf import settings
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.test import Client

    call_command("collectstatic", interactive=False, verbosity=0)  # the pages link the manifest's hashed names
    if not args.pages_only:
        redis.Redis.from_url(settings.REDIS_URL).flushdb()
        run_flows(args.delays or None)
    client = Client(HTTP_HOST="localhost")
    user, _ = User.objects.get_or_create(username="bench", defaults={"is_staff": True, "is_superuser": True})
    client.force_login(user)
    baseline, _, baseline_queries, _ = measure(client, "/admin/auth/group/", args.runs)
    print(f"\nbaseline (Django's Groups list): {baseline:.0f} ms, {baseline_queries} queries; target {TARGET_MS} ms\n")
    print(f"{'page':<48} {'median ms':>9} {'max ms':>7} {'queries':>7}  status")
    over = []
    for label, url in pages(user):
        typical, slowest, queries, status = measure(client, url, args.runs)
        flag = "  OVER" if typical > TARGET_MS else ""
        print(f"{label:<48} {typical:9.0f} {slowest:7.0f} {queries:7d}  {status}{flag}")
        if typical > TARGET_MS or status != 200:
            over.append(label)
    print(f"\n{len(over)} pages over {TARGET_MS} ms or not 200: {', '.join(over) or 'none'}")


if __name__ == "__main__":
    main()
