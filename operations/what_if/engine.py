"""The preview: each option applied by the real service, its flow run in process, counted, then rolled back.

See ADR 10 for why a rolled-back transaction and what it guarantees.
"""

from __future__ import annotations

from django.db import DatabaseError, connection, transaction

from events.models import Event
from flights.models import Flight
from flights.reasons import DEFAULT_REASON
from flights.services import cancel_flight, delay_flight

from .flow import PreviewFailed, run_in_process
from .options import InvalidPreview, Option, OptionKind, problems_of
from .tally import OptionOutcome, WhatIf, booked, tally

#: How long the preview waits for a row lock that real work holds before it gives up (real work comes first).
LOCK_TIMEOUT = "500ms"
#: Attempts of one option when real work holds a lock it needs, or changed a row it read, meanwhile.
ATTEMPTS = 3

__all__ = ["PreviewBusy", "PreviewFailed", "apply_option", "preview"]


class PreviewBusy(RuntimeError):
    """Real disruptions kept the rows an option needs busy: try again in a moment."""


class _Discard(Exception):
    def __init__(self, outcome: OptionOutcome) -> None:
        self.outcome = outcome


def preview(flight: Flight, options: list[Option], *, reason: str = DEFAULT_REASON) -> WhatIf:
    """What each option would do to ``flight`` now, side by side; changes nothing.

    Raises :class:`InvalidPreview` listing every problem, :class:`PreviewBusy` when real work kept the rows it
    needs locked, :class:`PreviewFailed` when a subscriber's handler raised.
    """
    problems = problems_of(flight, options, reason)
    if problems:
        raise InvalidPreview(problems)
    return WhatIf(
        flight=str(flight.ref), reason=reason, options=[_preview_option(flight, option, reason) for option in options]
    )


def _preview_option(flight: Flight, option: Option, reason: str) -> OptionOutcome:
    attempt = 1
    while True:
        try:
            return _rolled_back(flight, option, reason)
        except DatabaseError as exc:
            if attempt == ATTEMPTS:
                raise PreviewBusy(f"{option}: rows it needs are busy with real work ({exc}); try again") from exc
            attempt += 1


def _rolled_back(flight: Flight, option: Option, reason: str) -> OptionOutcome:
    """Apply the option and run its flow in a transaction (a savepoint when one is open) that is always rolled
    back: no row, event or delivery survives, and no on-commit send (Celery, mail, SMS, partner HTTP, the
    flight cache) ever fires."""
    outermost = not connection.in_atomic_block
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                if outermost:  # one snapshot for the whole option: no half-done real work is seen
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                cursor.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")
            root = apply_option(flight, option, reason)
            passengers = booked(root)
            run_in_process(root)
            raise _Discard(tally(root, option, passengers=passengers))
    except _Discard as discarded:
        return discarded.outcome


def apply_option(flight: Flight, option: Option, reason: str) -> Event:
    """Commit ``option`` through the same service as the operator's Delay… and Cancel… (and as its preview);
    returns the disruption's root event. Raises ``flights.services.DisruptionError`` when it cannot apply."""
    if option.kind == OptionKind.CANCEL:
        return cancel_flight(flight=flight, reason=reason)
    return delay_flight(flight=flight, delay_minutes=option.delay_minutes or 0, reason=reason)
