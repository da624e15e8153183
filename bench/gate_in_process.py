"""The gate API's cost in process: the WSGI application called in a loop, no server, no network.

    .venv/bin/python bench/gate_in_process.py [--requests 5000] [--repeats 3]

Uses the flights ``bench/gate_api.py`` loaded into BENCH_DATABASE_URL (default ``airline_bench_api``) and Redis
BENCH_REDIS_URL (default db 12). In a child process each, it calls a WSGI application with a fresh environ per
request (as a server builds one) and prints the best of ``--repeats`` runs of ``--requests`` in CPU microseconds
per request (this process's user + system time: what load on a shared machine disturbs least):

- the gate API (``airline.wsgi``), every flight's gate URL in turn, after a warm-up that caches them all;
- the same with ``If-None-Match`` (a 304);
- the baseline of ``bench/gate_api.py`` (``bench.api_wsgi``: the constant DRF view behind Security and Common).
"""

from __future__ import annotations

import argparse
import io
import os
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/airline_bench_api")
os.environ.setdefault("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, bench_env

CASES = {
    "gate API hit": ("airline.wsgi", "airline.settings", False),
    "gate API 304": ("airline.wsgi", "airline.settings", True),
    "constant DRF view": ("bench.api_wsgi", "bench.api_settings", False),
}


def environ(path: str, etag: str | None) -> dict[str, object]:
    """What gunicorn hands the application for ``GET path`` from a client on loopback."""
    request: dict[str, object] = {
        "REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": "", "SCRIPT_NAME": "", "RAW_URI": path,
        "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8000", "SERVER_PROTOCOL": "HTTP/1.1", "HTTP_HOST": "127.0.0.1:8000",
        "HTTP_USER_AGENT": "wrk", "REMOTE_ADDR": "127.0.0.1", "REMOTE_PORT": "50000", "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(), "wsgi.errors": sys.stderr, "wsgi.version": (1, 0), "wsgi.multithread": False,
        "wsgi.multiprocess": True, "wsgi.run_once": False,
    }  # fmt: skip
    if etag is not None:
        request["HTTP_IF_NONE_MATCH"] = etag
    return request


def measure(module: str, revalidate: bool, requests: int, repeats: int) -> float:
    """Best CPU microseconds per request of ``module``'s application (this child's)."""
    import importlib

    application = importlib.import_module(module).application
    if module == "airline.wsgi":
        from flights.models import Flight

        paths = [f"/api/v1/flights/{f.designator}/{f.service_date}/gate" for f in Flight.objects.order_by("pk")]
    else:
        paths = ["/bench/constant"]
    etags: dict[str, str | None] = {}
    answered: list[tuple[str, str, str | None]] = []

    def recording(line: str, headers: list[tuple[str, str]], exc_info: object = None) -> None:
        answered.append((path, line, dict(headers).get("ETag")))

    def start_response(line: str, headers: list[tuple[str, str]], exc_info: object = None) -> None:
        pass

    for _ in range(3):  # warm: every flight in the cache and this process's copy, each kind of request learned
        for path in paths:
            result = application(environ(path, etags.get(path)), recording)
            b"".join(result)
            getattr(result, "close", lambda: None)()
            if revalidate:
                etags[path] = answered[-1][2]
    expected = "304 Not Modified" if revalidate else "200 OK"
    if answered[-1][1] != expected:
        raise SystemExit(f"{module}: {answered[-1][1]}, not {expected}")
    best = float("inf")
    for _ in range(repeats):
        requests_environ = [environ(paths[n % len(paths)], etags.get(paths[n % len(paths)])) for n in range(requests)]
        started = time.process_time()
        for request in requests_environ:
            result = application(request, start_response)
            b"".join(result)
            getattr(result, "close", lambda: None)()
        best = min(best, (time.process_time() - started) / requests * 1e6)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--child", choices=CASES, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        module, _, revalidate = CASES[args.child]
        print(f"{measure(module, revalidate, args.requests, args.repeats):.1f}")
        return
    for name, (_, settings, _) in CASES.items():
        env = bench_env(DJANGO_SETTINGS_MODULE=settings, DJANGO_LOG_LEVEL="WARNING",
                        API_ANON_THROTTLE_RATE="1000000000/min", FLIGHT_CACHE_TTL_SECONDS="3600",
                        BENCH_CONSTANT_BODY='{"gate": "B32"}')  # fmt: skip
        child = [sys.executable, __file__, "--child", name, f"--requests={args.requests}", f"--repeats={args.repeats}"]
        done = subprocess.run(child, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
        if done.returncode:
            raise SystemExit(f"{name}:\n{done.stderr}")
        print(f"{name:18} {done.stdout.strip()} µs CPU/request (best of {args.repeats} × {args.requests})")


if __name__ == "__main__":
    main()
