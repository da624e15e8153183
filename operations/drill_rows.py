"""Drill effects in the console's work queues: rows of drill flows are left out unless asked for (ADR 11).

A row is a drill effect when its flow is a drill's (``Event.drill``, inherited by every chained event),
reached the way :mod:`.disruption_rows` reaches a row's disruption: its own ``root``, its event, or else
(vouchers, hotel stays, which keep no event) a flight a drill disrupted and no real event touched: where a
row may be real work, it is shown as real work.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.contrib import admin
from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest

from .disruption_rows import RootFilter, flow_q

M = TypeVar("M", bound=Model)

INCLUDE = "include"
ONLY = "only"


def drill_q(model: type[Model]) -> Q:
    """The rows of ``model`` that are effects of a drill flow and of no real one."""
    # For rows with a root or an event the second half adds nothing; for the rows found through their flight it
    # keeps a real voucher or stay on a flight a drill also delayed in the real work.
    return flow_q(model, drill=True) & ~flow_q(model, drill=False)


def without_drills(queryset: QuerySet[M]) -> QuerySet[M]:
    """``queryset`` without the effects of drill flows."""
    return queryset.exclude(drill_q(queryset.model))


class DrillsFilter(admin.SimpleListFilter):
    """``?drills=include|only``; by default a work list leaves drill effects out, unless one disruption is chosen
    (``?root=``: its page's figures count every row of it, drill or not)."""

    title = "drills"
    parameter_name = "drills"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(INCLUDE, "include drills"), (ONLY, "drills only")]

    def choices(self, changelist: Any) -> Any:
        for choice in super().choices(changelist):
            if choice["display"] == "All":
                choice["display"] = "real work only"
            yield choice

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        match self.value():
            case "include":
                return queryset
            case "only":
                return queryset.filter(drill_q(queryset.model))
        if request.GET.get(RootFilter.parameter_name):
            return queryset
        return without_drills(queryset)
