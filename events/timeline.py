"""A flow's deliveries on one time axis: a bar per delivery, placed in percent of the flow's time span."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .models import Delivery


@dataclass(frozen=True)
class Bar:
    """One delivery (event type → subscriber): where its bar starts and how wide it is, in % of the span."""

    delivery: Delivery
    start: dt.datetime
    end: dt.datetime
    left_percent: float
    width_percent: float

    @property
    def seconds(self) -> float:
        return (self.end - self.start).total_seconds()


@dataclass(frozen=True)
class Timeline:
    """The bars of a flow from its first delivery's start to its last one's end (``now`` for unfinished ones)."""

    start: dt.datetime | None
    end: dt.datetime | None
    bars: list[Bar]

    @property
    def seconds(self) -> float:
        return (self.end - self.start).total_seconds() if self.start and self.end else 0.0


# A bar narrower than this is widened so that an instant delivery stays visible.
MIN_WIDTH_PERCENT = 0.5


def timeline(deliveries: list[Delivery], *, now: dt.datetime) -> Timeline:
    """The bars of ``deliveries``: from ``started_at`` (``created_at`` until one starts) to ``finished_at``
    (``now`` while it runs or waits), ordered by start."""
    spans = sorted(
        ((d, d.started_at or d.created_at, d.finished_at or now) for d in deliveries), key=lambda span: span[1]
    )
    if not spans:
        return Timeline(None, None, [])
    start = min(begin for _, begin, _ in spans)
    end = max(finish for _, _, finish in spans)
    total = (end - start).total_seconds() or 1.0
    bars = []
    for delivery, begin, finish in spans:
        left = 100 * (begin - start).total_seconds() / total
        width = max(100 * (finish - begin).total_seconds() / total, MIN_WIDTH_PERCENT)
        bars.append(Bar(delivery, begin, finish, round(min(left, 100 - width), 2), round(width, 2)))
    return Timeline(start, end, bars)
