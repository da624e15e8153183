"""``load_scenario PATH [--replace] [--rebase DATE]``: check a scenario file, then load it, all or nothing."""

from __future__ import annotations

import argparse
import datetime as dt
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from tqdm import tqdm

from flights.designators import InvalidDesignator, parse_service_date
from scenarios.files import read_document
from scenarios.loader import load_scenario
from scenarios.problems import InvalidScenario
from scenarios.schema import item_count
from scenarios.validation import check_document

# Smaller files load in about a second: no progress bar.
PROGRESS_MIN_ITEMS = 5000


def rebase_date(text: str) -> dt.date:
    """The ``--rebase`` argument: ``YYYY-MM-DD`` or ``today``."""
    if text == "today":
        return timezone.localdate()
    try:
        return parse_service_date(text)
    except InvalidDesignator as exc:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD) nor 'today'") from exc


class Command(BaseCommand):
    help = (
        "Check a scenario file (.json or .json.gz) against the contract's schema and rules (SCENARIO.md), then "
        "load it in one transaction: all or nothing. A bad file exits non-zero with every problem listed (JSON "
        "pointer + message) and changes nothing. Countries (airlines' state of licence, airports) are ISO 3166-1 "
        "alpha-2 codes, or XK for Kosovo. Shows progress on large files."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="the scenario file, .json or .json.gz")
        parser.add_argument(
            "--replace", action="store_true", help="first remove the data of earlier scenarios (same transaction)"
        )
        parser.add_argument(
            "--rebase",
            type=rebase_date,
            metavar="DATE",
            help="move the scenario in time so that its first flight service date is DATE (YYYY-MM-DD or 'today'), "
            "keeping each flight's local clock times",
        )

    def handle(
        self, *args: Any, path: Path, replace: bool, rebase: dt.date | None, verbosity: int, **options: Any
    ) -> None:
        started = time.perf_counter()
        try:
            document = read_document(path)
            with self.progress("checking", item_count(document), "items", verbosity) as bar:
                scenario = check_document(document, rebase_to=rebase, advance=bar.update)
            with self.progress("loading", len(scenario.bookings), "bookings", verbosity) as bar:
                loaded = load_scenario(scenario, replace=replace, advance=bar.update)
        except InvalidScenario as exc:
            for problem in exc.problems:
                self.stderr.write(str(problem))
            raise CommandError(f"{path}: {len(exc.problems)} problem(s); nothing was loaded") from None
        seconds = time.perf_counter() - started
        self.stdout.write(f"Loaded {scenario.name or path.name!r} from {path}: {loaded} in {seconds:.1f} s")

    def progress(self, description: str, total: int, unit: str, verbosity: int) -> tqdm:
        """A progress bar on stderr for large files; tqdm leaves it out when stderr is not a terminal."""
        return tqdm(
            total=total,
            desc=description,
            unit=unit,
            unit_scale=True,
            disable=True if verbosity < 1 or total < PROGRESS_MIN_ITEMS else None,
        )
