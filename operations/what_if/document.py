"""The what-if document (SCENARIO.md, "What-if document") and the side-by-side table people read."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .options import OptionKind
from .tally import Money, OptionOutcome, WhatIf

FORMAT = "airline-disruption-what-if/1"


def document(what_if: WhatIf) -> dict[str, Any]:
    """The ``what_if --json`` document, fields in SCENARIO.md's order."""
    return {
        "format": FORMAT,
        "flight": what_if.flight,
        "reason": what_if.reason,
        "options": [_option(outcome) for outcome in what_if.options],
    }


def _option(outcome: OptionOutcome) -> dict[str, Any]:
    return {
        "option": str(outcome.option.kind),
        "delay_minutes": outcome.option.delay_minutes if outcome.option.kind == OptionKind.DELAY else None,
        "passengers": outcome.passengers,
        "misconnects": outcome.misconnects,
        "rebooked": outcome.rebooked,
        "unprotected": outcome.unprotected,
        "meal_vouchers": outcome.meal_vouchers,
        "meal_voucher_amount": _money(outcome.meal_voucher_amount),
        "hotel_stays": outcome.hotel_stays,
        "unaccommodated": outcome.unaccommodated,
        "compensation_eligible": outcome.compensation_eligible,
        "compensation_amount": _money(outcome.compensation_amount),
        "refund_options": outcome.refund_options,
        "partner_messages": outcome.partner_messages,
        "passenger_messages": outcome.passenger_messages,
    }


def _money(amounts: Money) -> dict[str, str]:
    return {currency: f"{amount:.2f}" for currency, amount in amounts.items()}


def _shown(amounts: Money) -> str:
    return ", ".join(f"{currency} {amount:,.2f}" for currency, amount in amounts.items()) or "—"


def _by_priority(counts: dict[int, int]) -> str:
    return " ".join(f"P{priority}:{n}" for priority, n in counts.items()) or "—"


def _by_regime(outcome: OptionOutcome) -> str:
    return "; ".join(f"{regime} {_shown(money)}" for regime, money in outcome.compensation_by_regime.items()) or "—"


@dataclass(frozen=True)
class FigureRow:
    """One figure of every option, as people read it: ``detail`` rows break down the figure above them."""

    label: str
    cells: list[str]
    detail: bool = False


_FIGURES: list[tuple[str, bool, Callable[[OptionOutcome], object]]] = [
    ("passengers booked", False, lambda o: o.passengers),
    ("misconnects", False, lambda o: o.misconnects),
    ("rebooked", False, lambda o: o.rebooked),
    ("by priority class", True, lambda o: _by_priority(o.rebooked_by_priority)),
    ("unprotected", False, lambda o: o.unprotected),
    ("by priority class", True, lambda o: _by_priority(o.unprotected_by_priority)),
    ("meal vouchers", False, lambda o: o.meal_vouchers),
    ("amount", True, lambda o: _shown(o.meal_voucher_amount)),
    ("hotel stays booked", False, lambda o: o.hotel_stays),
    ("unaccommodated", False, lambda o: o.unaccommodated),
    ("compensation owed", False, lambda o: o.compensation_eligible),
    ("amount", True, lambda o: _shown(o.compensation_amount)),
    ("by regime", True, _by_regime),
    ("refund options", False, lambda o: o.refund_options),
    ("partner messages", False, lambda o: o.partner_messages),
    ("passenger messages", False, lambda o: o.passenger_messages),
]


def figure_rows(what_if: WhatIf) -> list[FigureRow]:
    """Every figure of the options side by side: one row per figure, one cell per option in their order."""
    return [
        FigureRow(label, [str(value(outcome)) for outcome in what_if.options], detail)
        for label, detail, value in _FIGURES
    ]


def table(what_if: WhatIf) -> str:
    """The options side by side, one column each, one row per figure."""
    header = ["", *(str(outcome.option) for outcome in what_if.options)]
    rows = [header] + [[("  " if row.detail else "") + row.label, *row.cells] for row in figure_rows(what_if)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = [f"What if {what_if.flight} ({what_if.reason}): nothing has been changed."]
    for row in rows:
        cells = [row[0].ljust(widths[0])] + [cell.rjust(width) for cell, width in zip(row[1:], widths[1:], strict=True)]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)
