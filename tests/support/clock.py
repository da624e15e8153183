"""The project's clock (``airline.clock.now``) in tests: it runs in the world of the suite's scenarios."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

#: The suite's scenarios fly on 2026-11-25 (``tests.support.scenarios.DAY``, the factories' default): every test
#: starts at midnight UTC that day, before any of its flights, so that disruptions happen before the flights
#: they disrupt, as they do in operation.
WORLD_START = dt.datetime(2026, 11, 25, tzinfo=dt.UTC)


class WorldClock:
    """A clock that runs at the wall clock's pace from a chosen moment, or stands still at one."""

    def __init__(self, start: dt.datetime) -> None:
        self._offset = start - timezone.now()
        self._frozen: dt.datetime | None = None

    def now(self) -> dt.datetime:
        """The world's time now."""
        return self._frozen if self._frozen is not None else timezone.now() + self._offset

    def freeze(self, moment: dt.datetime) -> None:
        """Stand still at ``moment`` (every event published meanwhile happens then)."""
        self._frozen = moment

    def run_from(self, moment: dt.datetime) -> None:
        """Run on from ``moment``."""
        self._frozen = None
        self._offset = moment - timezone.now()
