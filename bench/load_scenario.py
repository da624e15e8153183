"""Benchmark of the scenario loader: ``load_scenario FILE --replace`` against the database in DATABASE_URL.

Usage (from the project folder)::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/airline_loader_bench \
        .venv/bin/python bench/load_scenario.py FILE [--runs N]

Each run is the command as an operator starts it (a fresh process, so Django's start-up is included); the
script prints the seconds of each run and the passengers loaded per second. The database is migrated first
and is left holding the scenario.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from scenarios.files import read_document  # noqa: E402 - needs the project on the path


def passenger_count(path: Path) -> int:
    """How many passengers the scenario file holds."""
    return sum(len(booking["passengers"]) for booking in read_document(path)["bookings"])


def manage(*args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=PROJECT, check=True, stdout=subprocess.DEVNULL)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path, help="a scenario file, .json or .json.gz")
    parser.add_argument("--runs", type=int, default=1, help="how many times to load it (default 1)")
    options = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        parser.error("set DATABASE_URL to the database to load into")
    path = options.file.resolve()
    passengers = passenger_count(path)
    manage("migrate", "--no-input")
    for run in range(1, options.runs + 1):
        started = time.perf_counter()
        manage("load_scenario", str(path), "--replace")
        seconds = time.perf_counter() - started
        rate = passengers / seconds
        print(f"{path.name} run {run}: {passengers} passengers in {seconds:.1f} s ({rate:,.0f} passengers/s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
