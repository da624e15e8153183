"""``what_if FLIGHT DATE [--delay MINUTES]... [--cancel] [--reason CODE] [--json]``: preview options, change nothing."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from flights.designators import FlightRef, InvalidDesignator, parse_designator, parse_service_date
from flights.models import Flight
from flights.reasons import DEFAULT_REASON, REASONS
from flights.selectors import get_flight
from operations.what_if import InvalidPreview, Option, PreviewBusy, PreviewFailed, preview
from operations.what_if.document import document, table
from operations.what_if.options import option_problems


class Command(BaseCommand):
    help = "Preview what each option (every --delay, and --cancel) would do to a flight, without changing anything."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("flight", help="flight designator, e.g. NV117 (case-insensitive, leading zeros ignored)")
        parser.add_argument("date", help="service date YYYY-MM-DD: the local date of the scheduled departure")
        parser.add_argument(
            "--delay",
            type=int,
            action="append",
            default=[],
            metavar="MINUTES",
            help="a departure delay against the schedule to preview (absolute; repeat for several)",
        )
        parser.add_argument("--cancel", action="store_true", help="preview the cancellation too")
        parser.add_argument(
            "--reason",
            type=str.upper,
            choices=list(REASONS),
            default=DEFAULT_REASON,
            help=f"reason code of the disruption (default {DEFAULT_REASON})",
        )
        parser.add_argument("--json", action="store_true", help="print the what-if document (SCENARIO.md)")

    def handle(self, *args: Any, **options: Any) -> None:
        flight, problems = _flight(options["flight"], options["date"])
        wanted = [Option.delay(minutes) for minutes in options["delay"]]
        if options["cancel"]:
            wanted.append(Option.cancel())
        if flight is None:  # the options are still checked, so that every problem is listed at once
            raise CommandError(_listed([*problems, *option_problems(wanted)]))
        try:
            outcome = preview(flight, wanted, reason=options["reason"])
        except InvalidPreview as exc:
            raise CommandError(_listed(exc.problems)) from None
        except (PreviewBusy, PreviewFailed) as exc:
            raise CommandError(f"Nothing changed: {exc}") from None
        if options["json"]:
            self.stdout.write(json.dumps(document(outcome), indent=2))
        else:
            self.stdout.write(table(outcome))


def _flight(designator: str, date: str) -> tuple[Flight | None, list[str]]:
    """The flight named on the command line, or None and why there is none."""
    try:
        ref = FlightRef(designator=parse_designator(designator), date=parse_service_date(date))
    except InvalidDesignator as exc:
        return None, [str(exc)]
    try:
        return get_flight(ref), []
    except Flight.DoesNotExist:
        return None, [f"no flight {ref}: check the designator and the service date (local date of the departure)"]


def _listed(problems: list[str]) -> str:
    return "Nothing changed; the preview cannot be made:\n" + "\n".join(f"  - {problem}" for problem in problems)
