"""Periodic tasks in the admin, with the delay drill's kwargs checked before they are saved."""

from __future__ import annotations

import json

from django import forms
from django.contrib import admin
from django_celery_beat.admin import PeriodicTaskAdmin, PeriodicTaskForm
from django_celery_beat.models import PeriodicTask

from .drills import InvalidDrill, parse_drill

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
