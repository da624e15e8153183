"""Gate API throughput and latency against a constant-body DRF view, under gunicorn, PostgreSQL and Redis.

    .venv/bin/python bench/gate_api.py [--scenario PATH | --no-load] [--duration 10] [--rounds 3]
                                       [--connections 16 64] [--workers 2]

Loads the scenario's flights (``load_scenario --replace``; ``--no-load`` keeps those already there) into
BENCH_DATABASE_URL (default ``airline_bench_api``), uses Redis BENCH_REDIS_URL (default db 12) as the
cache, and serves, each with gunicorn (sync workers, 2 as in the Procfile):

- the project (its settings, every middleware), throttling on with a rate no run reaches;
- the baseline (issue 20): a DRF ``APIView`` returning a gate body as a constant, with no authentication,
  permissions or throttling, behind ``SecurityMiddleware`` and ``CommonMiddleware`` only
  (``bench.api_settings``, Django's handler alone: ``bench.api_wsgi``);
- the floor: a WSGI application with no framework returning the same body (``bench.floor_wsgi``), what the
  server costs alone.

At each connection count, wrk (one thread) drives them in alternating rounds, the gate API rotating over
every flight's gate URL. Prints each run (requests/s, p50, p99, the workers' CPU per request), the median of
the rounds with the spread of requests/s, and the ratios of the medians; then:

- cold pass: the first request for each flight after the cache was flushed, one at a time;
- always cold: the gate API with nothing ever cached (FLIGHT_CACHE_TTL_SECONDS=0), the miss path's ceiling.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/airline_bench_api")
os.environ.setdefault("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, bench_env, percentile, setup_django, stop, wait

WORK_DIR = ROOT / "var" / "bench"
SCENARIO = ROOT.parent / "shared" / "benchmarks" / "roadef-a01.json.gz"
# wrk's own summary, as JSON: throughput, latency percentiles (microseconds) and failures.
WRK_SCRIPT = """
local paths = {%s}
local n = 0
request = function()
  n = n %% #paths + 1
  return wrk.format("GET", paths[n])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('{"requests": %%d, "seconds": %%f, "p50": %%d, "p99": %%d, "failed": %%d}\\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50), latency:percentile(99),
    e.status + e.connect + e.read + e.write + e.timeout))
end
"""


@dataclass(frozen=True)
class Run:
    """One wrk run: requests/s, latency percentiles and the gunicorn workers' CPU per request, in ms."""

    rps: float
    p50: float
    p99: float
    cpu: float

    def __str__(self) -> str:
        return f"{self.rps:6.0f} req/s  p50 {self.p50:5.2f} ms  p99 {self.p99:6.2f} ms  CPU {self.cpu:.3f} ms/req"


def gate_paths() -> list[str]:
    from flights.models import Flight

    return [f"/api/v1/flights/{f.designator}/{f.service_date}/gate" for f in Flight.objects.order_by("pk")]


def gate_body() -> str:
    """The gate body of the first flight: the baseline returns it, so both views send the same bytes."""
    from flights import gate_cache
    from flights.models import Flight

    flight = Flight.objects.select_related("origin", "destination").order_by("pk").first()
    return gate_cache.render(flight)["gate"].body.decode()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve(
    port: int,
    workers: int,
    nice: int = 0,
    settings: str = "airline.settings",
    module: str = "airline.wsgi",
    **extra: str,
) -> subprocess.Popen:
    """gunicorn with sync workers on ``port`` serving the WSGI ``module`` with Django ``settings``, as its own
    process group (at ``nice`` priority); returns once it answers."""
    log = WORK_DIR / f"gate-api-gunicorn-{port}.log"
    env = bench_env(DJANGO_SETTINGS_MODULE=settings, DJANGO_LOG_LEVEL="WARNING",
                    API_ANON_THROTTLE_RATE="1000000000/min", **extra)  # fmt: skip
    process = subprocess.Popen(
        ["nice", "-n", str(nice), str(ROOT / ".venv/bin/gunicorn"), module, "--workers", str(workers),
         "--bind", f"127.0.0.1:{port}"],
        cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    try:
        wait(lambda: get(port, "/api/") is not None, 120, interval=0.2)  # a 404, as fast as any answer
    except TimeoutError:
        stop(process)
        raise SystemExit(f"gunicorn did not start; see {log}") from None
    return process


def get(port: int, path: str) -> int | None:
    """The status of a GET, or None when the server does not answer."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response.status
    except OSError:
        return None
    finally:
        connection.close()


def workers_cpu(server: subprocess.Popen) -> float:
    """CPU seconds the gunicorn workers (the master's children) have used: unlike throughput, this does not
    depend on what else the machine runs."""
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
    ticks = 0
    for pid in children:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def wrk(
    server: subprocess.Popen,
    port: int,
    paths: list[str],
    seconds: int,
    connections: int,
    nice: int = 0,
    think_ms: int = 0,
) -> Run:
    """Drive the server with wrk (one thread, at ``nice`` priority) over ``paths`` in turn; fails on any error or
    non-2xx answer. With ``think_ms``, each connection waits that long after an answer before asking again
    (clients that look up a gate now and then, instead of as fast as the server answers)."""
    script = WORK_DIR / "gate-api.lua"
    think = f"\ndelay = function() return {think_ms} end\n" if think_ms else ""
    script.write_text(WRK_SCRIPT % ", ".join(json.dumps(p) for p in paths) + think)
    cpu = workers_cpu(server)
    output = subprocess.run(
        ["nice", "-n", str(nice), "wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "-s", str(script), f"http://127.0.0.1:{port}"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    cpu = workers_cpu(server) - cpu
    result = json.loads(output.strip().splitlines()[-1])
    if result["failed"]:
        raise SystemExit(f"{result['failed']} failed requests:\n{output}")
    return Run(
        rps=result["requests"] / result["seconds"],
        p50=result["p50"] / 1000,
        p99=result["p99"] / 1000,
        cpu=cpu * 1000 / result["requests"],
    )


def median_run(runs: list[Run]) -> Run:
    return Run(*(statistics.median(getattr(r, field) for r in runs) for field in ("rps", "p50", "p99", "cpu")))


def spread(runs: list[Run]) -> str:
    """The range of the runs' requests/s."""
    return f"{min(r.rps for r in runs):.0f}-{max(r.rps for r in runs):.0f} req/s"


def flush_cache() -> None:
    """Empty the benchmark's own Redis database (BENCH_REDIS_URL)."""
    from django.core.cache import cache

    cache.clear()


def cold_pass(port: int, paths: list[str]) -> list[float]:
    """Milliseconds of the first request for each flight, one at a time, after flushing the cache."""
    flush_cache()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    latencies = []
    for path in paths:
        started = time.perf_counter()
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        latencies.append((time.perf_counter() - started) * 1000)
        if response.status != 200:
            raise SystemExit(f"GET {path}: {response.status}")
    connection.close()
    return latencies


Server = tuple[subprocess.Popen, int, list[str]]
"""A server, its port and the paths wrk asks it for."""


def side_by_side(servers: dict[str, Server], args: argparse.Namespace, connections: int) -> None:
    """Alternating rounds of the gate API, the baseline and the floor at ``connections``; prints each run, the
    medians and the ratios of the gate API's to the others'."""
    # Warm: every flight in Redis and (with high odds) in each worker's copy (and its kind of request learned by
    # the fast lane); then every server's workers.
    _, gate_port, paths = servers["gate API"]
    for _ in range(4):
        for path in paths:
            get(gate_port, path)
    for server, port, view_paths in servers.values():
        wrk(server, port, view_paths, 3, connections)
    runs: dict[str, list[Run]] = {name: [] for name in servers}
    for n in range(1, args.rounds + 1):
        for name, (server, port, view_paths) in servers.items():
            runs[name].append(wrk(server, port, view_paths, args.duration, connections))
            print(f"{connections} connections, round {n}: {name:17} {runs[name][-1]}")
    print(f"{connections} connections, median of {args.rounds} rounds:")
    for name, view_runs in runs.items():
        print(f"  {name:17} {median_run(view_runs)}  (spread {spread(view_runs)})")
    for name in ("constant DRF view", "trivial WSGI app"):
        ratio = median_run(runs["gate API"]).rps / median_run(runs[name]).rps
        print(f"{connections} connections: ratio gate API / {name} {ratio:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scenario", type=Path, default=SCENARIO)
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds of the gate API and the baselines")
    parser.add_argument("--connections", type=int, nargs="+", default=[16, 64])
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers (the Procfile runs 2)")
    parser.add_argument("--no-load", action="store_true", help="use the flights already in the database")
    args = parser.parse_args()
    WORK_DIR.mkdir(parents=True, exist_ok=True)

    setup_django(DJANGO_LOG_LEVEL="WARNING")
    from django.core.management import call_command

    if not args.no_load:
        call_command("load_scenario", str(args.scenario), "--replace", verbosity=0)
    paths, body = gate_paths(), gate_body()
    gate_port, baseline_port, floor_port = free_port(), free_port(), free_port()
    print(f"{len(paths)} flights; gunicorn {args.workers} sync workers; wrk 1 thread, {args.duration:g} s runs")

    # Warm: entries outlive the whole run (in service a hot flight misses once per TTL; here the baseline's
    # runs would leave every entry to expire between two gate runs).
    flush_cache()
    gate = serve(gate_port, args.workers, FLIGHT_CACHE_TTL_SECONDS="3600")
    try:
        baseline = serve(baseline_port, args.workers, settings="bench.api_settings", module="bench.api_wsgi",
                         BENCH_CONSTANT_BODY=body)  # fmt: skip
        try:
            floor = serve(floor_port, args.workers, module="bench.floor_wsgi", BENCH_CONSTANT_BODY=body)
            servers = {
                "gate API": (gate, gate_port, paths),
                "constant DRF view": (baseline, baseline_port, ["/bench/constant"]),
                "trivial WSGI app": (floor, floor_port, ["/bench/constant"]),
            }
            try:
                for connections in args.connections:
                    side_by_side(servers, args, connections)
            finally:
                stop(floor)
        finally:
            stop(baseline)
        cold = cold_pass(gate_port, paths)
        print(
            f"cold pass (first request per flight, one at a time): p50 {percentile(cold, 50):.2f} ms, "
            f"p99 {percentile(cold, 99):.2f} ms"
        )
    finally:
        stop(gate)

    flush_cache()  # the cold pass cached every flight
    server = serve(gate_port, args.workers, FLIGHT_CACHE_TTL_SECONDS="0")
    try:
        run = wrk(server, gate_port, paths, args.duration, args.connections[0])
        print(f"always cold (nothing cached), {args.connections[0]} connections: gate API {run}")
    finally:
        stop(server)


if __name__ == "__main__":
    main()
