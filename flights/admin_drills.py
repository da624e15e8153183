"""Periodic tasks in the admin, with the delay drill's kwargs checked before they are saved and a "run a drill
now" action; the drill's runs with their verdicts."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django_celery_beat.admin import PeriodicTaskAdmin, PeriodicTaskForm
from django_celery_beat.models import PeriodicTask

from .drills import InvalidDrill, parse_drill
from .models import DrillRun
from .tasks import NOT_ALLOWED, inject_delays

DRILL_TASK = "flights.inject_delays"


class CheckedPeriodicTaskForm(PeriodicTaskForm):
    def clean(self) -> dict:
        data = super().clean()
        task = data.get("regtask") or data.get("task")
        if task == DRILL_TASK:
            try:
                parse_drill(json.loads(data.get("kwargs") or "{}"))
            except json.JSONDecodeError as exc:
                raise forms.ValidationError({"kwargs": f"not JSON: {exc}"}) from None
            except InvalidDrill as exc:
                raise forms.ValidationError({"kwargs": exc.problems}) from None
        return data


admin.site.unregister(PeriodicTask)


def warn_if_not_allowed(request: HttpRequest) -> None:
    """Tell the operator that drills are refused here, on every page that schedules or lists them."""
    if not settings.DRILLS_ALLOWED:
        messages.warning(request, f"Delay drills are refused: {NOT_ALLOWED}. Their ticks are listed as refused.")


@admin.register(PeriodicTask)
class CheckedPeriodicTaskAdmin(PeriodicTaskAdmin):
    form = CheckedPeriodicTaskForm
    actions = (*PeriodicTaskAdmin.actions, "run_drills_now")

    def changeform_view(self, request: HttpRequest, object_id: str | None = None, form_url: str = "",
                        extra_context: dict[str, Any] | None = None) -> HttpResponse:  # fmt: skip
        if request.method == "GET":
            warn_if_not_allowed(request)
        return super().changeform_view(request, object_id, form_url, extra_context)

    @admin.action(description="Run the selected delay drills now (once)")
    def run_drills_now(self, request: HttpRequest, queryset: QuerySet[PeriodicTask]) -> None:
        if not settings.DRILLS_ALLOWED:
            self.message_user(request, f"No drill run: {NOT_ALLOWED}.", level=messages.ERROR)
            return
        drills = list(queryset.filter(task=DRILL_TASK))
        for task in drills:
            inject_delays.apply_async(
                kwargs=json.loads(task.kwargs or "{}"), headers={"periodic_task_name": f"{task.name} (run now)"}
            )
        skipped = queryset.count() - len(drills)
        self.message_user(
            request,
            f"{len(drills)} drill(s) sent to the workers; their runs appear under Drill runs."
            + (f" {skipped} selected task(s) are not delay drills and were not run." if skipped else ""),
            level=messages.SUCCESS if drills else messages.WARNING,
        )


@admin.register(DrillRun)
class DrillRunAdmin(admin.ModelAdmin):
    """Every tick of a delay drill that ran or was refused, with its verdict (a tick that crashed leaves no row:
    see the worker log)."""

    list_display = ("name", "tick", "ran_at", "delayed", "verdict", "reason", "slowest", "time_limit_seconds")
    list_filter = ("verdict", "name")
    date_hierarchy = "ran_at"
    readonly_fields = ("name", "slot", "ran_at", "delayed", "verdict", "reason", "time_limit_seconds", "restore",
                       "restore_of", "judged_at", "subscriber_table", "duty_table")  # fmt: skip
    exclude = ("roots", "figures")

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        warn_if_not_allowed(request)
        return super().changelist_view(request, extra_context)

    @admin.display(description="slowest subscriber")
    def slowest(self, run: DrillRun) -> str:
        timed = [(counts["seconds"], name) for name, counts in run.figures.get("subscribers", {}).items()
                 if counts["seconds"] is not None]  # fmt: skip
        if not timed:
            return "—"
        seconds, name = max(timed)
        return f"{name}: {seconds} s"

    @admin.display(description="per subscriber")
    def subscriber_table(self, run: DrillRun) -> str:
        rows = run.figures.get("subscribers", {})
        return (
            "; ".join(
                f"{name}: {c['done']}/{c['deliveries']} done, {c['dead']} dead, "
                + (f"{c['seconds']} s" if c["seconds"] is not None else "not finished")
                for name, c in rows.items()
            )
            or "—"
        )

    @admin.display(description="open duties")
    def duty_table(self, run: DrillRun) -> str:
        duties = run.figures.get("duties", {})
        parts = [
            f"{label}: " + ", ".join(f"{kind} ×{n}" for kind, n in duties[key].items())
            for key, label in (("unmet", "not met"), ("left_to_operators", "left to operators"))
            if duties.get(key)
        ]
        return "; ".join(parts) or "—"

    @admin.display(description="tick (UTC)", ordering="slot")
    def tick(self, run: DrillRun) -> str:
        return f"{dt.datetime.fromtimestamp(run.slot, tz=dt.UTC):%Y-%m-%d %H:%M:%S}"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: DrillRun | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: DrillRun | None = None) -> bool:
        return False
