"""The operators' disruption forms on a flight: Delay…, Cancel…, Change gate… (the same services as ``disrupt``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html

from events.models import Event

from .models import Flight
from .reasons import REASON_CHOICES
from .services import MAX_DELAY_MINUTES, DisruptionError, cancel_flight, change_gate, delay_flight

PERMISSION = "flights.disrupt_flight"


class DelayForm(forms.Form):
    minutes = forms.IntegerField(
        min_value=0, max_value=MAX_DELAY_MINUTES, help_text="Departure delay against the schedule (0 restores it)."
    )
    reason = forms.ChoiceField(choices=REASON_CHOICES)

    def apply(self, flight: Flight) -> Event:
        return delay_flight(
            flight=flight, delay_minutes=self.cleaned_data["minutes"], reason=self.cleaned_data["reason"]
        )


class CancelForm(forms.Form):
    reason = forms.ChoiceField(choices=REASON_CHOICES)

    def apply(self, flight: Flight) -> Event:
        return cancel_flight(flight=flight, reason=self.cleaned_data["reason"])


class GateForm(forms.Form):
    gate = forms.CharField(max_length=8)
    terminal = forms.CharField(max_length=8, required=False, help_text="Leave empty to keep the terminal.")

    def apply(self, flight: Flight) -> Event:
        return change_gate(
            flight=flight, gate=self.cleaned_data["gate"], terminal=self.cleaned_data["terminal"] or None
        )


ACTIONS: dict[str, tuple[str, type[forms.Form]]] = {
    "delay": ("Delay", DelayForm),
    "cancel": ("Cancel", CancelForm),
    "gate": ("Change gate", GateForm),
}


def allowed_flight(request: HttpRequest, pk: int) -> Flight:
    """The flight ``pk`` for an operator who may disrupt flights (403 for anyone else, 404 for no such flight)."""
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied
    return get_object_or_404(Flight.objects.select_related("origin", "destination"), pk=pk)


def recorded(
    model_admin: admin.ModelAdmin, request: HttpRequest, flight: Flight, event: Event, change: str, *, title: str
) -> HttpResponseRedirect:
    """After a disruption: log ``change`` on the flight, say so, and land on the disruption page of ``event``."""
    model_admin.log_change(request, flight, change)
    url = reverse("admin:events_event_change", args=[event.pk])
    model_admin.message_user(
        request,
        format_html('{} recorded. <a href="{}">Follow its disruption</a>.', f"{title} of {flight}", url),
        messages.SUCCESS,
    )
    return HttpResponseRedirect(url)


def disruption_urls(model_admin: admin.ModelAdmin) -> list[URLPattern]:
    """One admin URL per disruption form: ``<flight id>/delay/``, ``…/cancel/``, ``…/gate/``."""
    return [
        path(
            f"<int:pk>/{action}/",
            model_admin.admin_site.admin_view(_view(model_admin, action)),
            name=f"flights_flight_{action}",
        )
        for action in ACTIONS
    ]


def _view(model_admin: admin.ModelAdmin, action: str) -> Callable[..., HttpResponse]:
    title, form_class = ACTIONS[action]

    def view(request: HttpRequest, pk: int) -> HttpResponse:
        flight = allowed_flight(request, pk)
        form = form_class(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                event = form.apply(flight)
            except DisruptionError as exc:
                form.add_error(None, str(exc))
            else:
                return recorded(model_admin, request, flight, event, f"{title}: {form.cleaned_data}", title=title)
        context: dict[str, Any] = {
            **model_admin.admin_site.each_context(request),
            "title": f"{title} {flight}",
            "flight": flight,
            "form": form,
            "opts": Flight._meta,
        }
        return TemplateResponse(request, "admin/flights/flight/disrupt.html", context)

    return view
