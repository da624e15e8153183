"""Duties in the operations console: every duty a disruption owes, filterable, and waived with a reason."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.html import format_html

from airline import clock
from passengers.admin import passenger_link

from . import services
from .disruption_rows import RootFilter
from .models import Duty


class WaiveForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text="Kept with the duty, with your name: why nothing more is owed (e.g. a printed notice at the gate).",
    )


class OverdueFilter(admin.SimpleListFilter):
    title = "overdue"
    parameter_name = "overdue"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("yes", "Overdue (open past its due time)")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Duty]) -> QuerySet[Duty]:
        if self.value() == "yes":
            return queryset.filter(status="open", due__lt=clock.now())
        return queryset


@admin.register(Duty)
class DutyAdmin(admin.ModelAdmin):
    list_display = ["kind", "status", "passenger_ref", "locator", "flight", "due_utc", "overdue"]
    list_filter = ["status", OverdueFilter, "kind", RootFilter]
    search_fields = ["passenger__ref", "passenger__booking__locator", "passenger__last_name"]
    list_select_related = ["passenger__booking", "flight__carrier"]
    date_hierarchy = "due"
    actions = ["waive_selected"]
    readonly_fields = [f.name for f in Duty._meta.fields]

    @admin.display(description="due (UTC)", ordering="due")
    def due_utc(self, duty: Duty) -> str:
        return duty.due.astimezone(dt.UTC).strftime("%d %b %H:%M")

    @admin.display(description="overdue")
    def overdue(self, duty: Duty) -> str:
        if duty.status == "open" and duty.due < clock.now():
            return format_html('<strong style="color:#ba2121">{}</strong>', "overdue")
        return ""

    @admin.display(description="passenger", ordering="passenger__ref")
    def passenger_ref(self, duty: Duty) -> str:
        return passenger_link(duty)

    @admin.display(description="booking", ordering="passenger__booking__locator")
    def locator(self, duty: Duty) -> str:
        return duty.passenger.booking.locator

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # the observer records duties; operators meet or waive them

    def has_delete_permission(self, request: HttpRequest, obj: Duty | None = None) -> bool:
        return False

    @admin.action(description="Waive the selected open duties…", permissions=["change"])
    def waive_selected(self, request: HttpRequest, queryset: QuerySet[Duty]) -> HttpResponse | None:
        form = WaiveForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            waived = services.waive(
                queryset.values_list("id", flat=True),
                by=request.user.get_username(),
                reason=form.cleaned_data["reason"],
            )
            self.message_user(request, f"{waived} duties waived (duties already met or waived are left as they are).")
            return None
        if "apply" in request.POST:
            self.message_user(request, "A duty is waived with a reason.", messages.ERROR)
        context = {
            **self.admin_site.each_context(request),
            "title": "Waive duties",
            "duties": queryset.select_related("passenger", "flight"),
            "form": form,
            "opts": self.model._meta,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/operations/waive.html", context)
