"""Periodic tasks in the admin, with the delay drill's kwargs checked before they are saved; the drill's runs."""

from __future__ import annotations

import datetime as dt
import json

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django_celery_beat.admin import PeriodicTaskAdmin, PeriodicTaskForm
from django_celery_beat.models import PeriodicTask

from .drills import InvalidDrill, parse_drill
from .models import DrillRun

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


@admin.register(PeriodicTask)
class CheckedPeriodicTaskAdmin(PeriodicTaskAdmin):
    form = CheckedPeriodicTaskForm


@admin.register(DrillRun)
class DrillRunAdmin(admin.ModelAdmin):
    """Every tick of a delay drill that ran (a tick that crashed leaves no row: see the worker log)."""

    list_display = ("name", "tick", "ran_at", "delayed")
    list_filter = ("name",)
    date_hierarchy = "ran_at"

    @admin.display(description="tick (UTC)", ordering="slot")
    def tick(self, run: DrillRun) -> str:
        return f"{dt.datetime.fromtimestamp(run.slot, tz=dt.UTC):%Y-%m-%d %H:%M:%S}"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: DrillRun | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: DrillRun | None = None) -> bool:
        return False
