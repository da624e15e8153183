"""Operations control for airlines, airports and flights."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import admin
from django.db import models
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from . import admin_drills  # noqa: F401 - registers the checked periodic-task admin
from .admin_disruptions import disruption_urls
from .admin_what_if import what_if_urls
from .designators import InvalidDesignator, parse_designator, parse_flight_ref
from .models import CABINS_HIGHEST_FIRST, Airline, Airport, Flight


def flight_search_filter(term: str, prefix: str = "") -> Q | None:
    """The filter for a search term naming a flight (``nv0117``, ``NV117/2026-11-25``), else None.

    ``prefix`` reaches the flight through a relation, e.g. ``"flight__"``.
    """
    try:
        if "/" in term:
            ref = parse_flight_ref(term)
            designator, date = ref.designator, ref.date
        else:
            designator, date = parse_designator(term), None
    except InvalidDesignator:
        return None
    lookups: dict[str, Any] = {f"{prefix}carrier": designator.carrier, f"{prefix}number": designator.number_with_suffix}
    if date is not None:
        lookups[f"{prefix}service_date"] = date
    return Q(**lookups)


class FlightSearchMixin:
    """Adds flight designators and references to a model admin's search."""

    flight_lookup_prefix = ""

    def get_search_results(self, request: HttpRequest, queryset: QuerySet, search_term: str) -> tuple[QuerySet, bool]:
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        flight = flight_search_filter(search_term.strip(), self.flight_lookup_prefix)
        if flight is not None:
            results |= queryset.filter(flight)
        return results, may_have_duplicates


class LockedOnChangeMixin:
    """Fields that are editable when adding an object and read-only once it exists."""

    locked_on_change: tuple[str, ...] = ()

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        fields = tuple(super().get_readonly_fields(request, obj))
        return (*fields, *self.locked_on_change) if obj is not None else fields


class SecretField(forms.CharField):
    """A password-type input that never shows the stored value; left empty, it keeps it."""

    widget = forms.PasswordInput(render_value=False)

    def has_changed(self, initial: Any, data: Any) -> bool:
        return bool(data) and data != initial


class AirlineForm(forms.ModelForm):
    """An airline whose partner secret can be set or replaced but never read back (the admin sets the model)."""

    secret = SecretField(
        required=False,
        max_length=200,
        help_text="HMAC secret for partner messages. Leave empty to keep the current one.",
    )

    def clean_secret(self) -> str:
        return self.cleaned_data["secret"] or self.instance.secret


@admin.register(Airline)
class AirlineAdmin(LockedOnChangeMixin, admin.ModelAdmin):
    form = AirlineForm
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ("code", "name", "own", "endpoint", "has_secret")
    list_filter = ("own",)
    search_fields = ("^code", "name")
    locked_on_change = ("code",)  # the primary key: editing it would save a copy

    @admin.display(boolean=True, description="secret set")
    def has_secret(self, airline: Airline) -> bool:
        return bool(airline.secret)


@admin.register(Airport)
class AirportAdmin(LockedOnChangeMixin, admin.ModelAdmin):
    list_display = ("code", "name", "country", "timezone", "min_connection_minutes")
    list_filter = ("country",)
    search_fields = ("^code", "name")
    locked_on_change = ("code",)


def _local(moment: dt.datetime, airport: Airport) -> str:
    return f"{moment.astimezone(airport.tzinfo):%d %b %H:%M %Z}"


@admin.register(Flight)
class FlightAdmin(FlightSearchMixin, LockedOnChangeMixin, admin.ModelAdmin):
    list_display = (
        "flight",
        "service_date",
        "route",
        "departure",
        "estimated",
        "status",
        "delay_reason",
        "terminal",
        "gate",
        "load",
    )
    list_filter = (
        "service_date",
        "status",
        ("origin", admin.RelatedOnlyFieldListFilter),
        ("destination", admin.RelatedOnlyFieldListFilter),
        ("carrier", admin.RelatedOnlyFieldListFilter),
    )
    list_select_related = ("origin",)
    date_hierarchy = "service_date"
    search_fields = ("=origin__code", "=destination__code", "=gate")
    search_help_text = "Flight (NV117, nv0117, NV117/2026-11-25), airport code or gate."
    autocomplete_fields = ("carrier", "origin", "destination")
    readonly_fields = ("booked_f", "booked_j", "booked_y", "updated_at")
    # Disruptions change these through flights.services, which tells every subscriber.
    locked_on_change = ("status", "delay_reason", "estimated_departure", "estimated_arrival", "terminal", "gate")
    fieldsets = (
        (None, {"fields": (("carrier", "number", "service_date"), ("origin", "destination"))}),
        ("Schedule", {"fields": (("scheduled_departure", "scheduled_arrival"),)}),
        (
            "Operation",
            {
                "description": "Changed by disruptions (the disrupt command), never edited by hand.",
                "fields": (
                    ("status", "delay_reason"),
                    ("estimated_departure", "estimated_arrival"),
                    ("terminal", "gate"),
                    "updated_at",
                ),
            },
        ),
        ("Seats", {"fields": (("seats_f", "booked_f"), ("seats_j", "booked_j"), ("seats_y", "booked_y"))}),
    )

    def get_urls(self) -> list:
        return [*disruption_urls(self), *what_if_urls(self), *super().get_urls()]

    def get_list_display(self, request: HttpRequest) -> tuple[str, ...]:
        if request.user.has_perm("flights.disrupt_flight"):
            return (*self.list_display, "disrupt")
        return self.list_display

    @admin.display(description="disrupt")
    def disrupt(self, flight: Flight) -> str:
        return format_html(
            '<a href="{}">Delay…</a> · <a href="{}">Cancel…</a> · <a href="{}">Gate…</a>',
            reverse("admin:flights_flight_delay", args=[flight.pk]),
            reverse("admin:flights_flight_cancel", args=[flight.pk]),
            reverse("admin:flights_flight_gate", args=[flight.pk]),
        )

    @admin.display(description="flight", ordering="carrier")
    def flight(self, flight: Flight) -> str:
        return str(flight.designator)

    @admin.display(description="route")
    def route(self, flight: Flight) -> str:
        return f"{flight.origin_id} → {flight.destination_id}"

    @admin.display(description="departs (local)", ordering="scheduled_departure")
    def departure(self, flight: Flight) -> str:
        return _local(flight.scheduled_departure, flight.origin)

    @admin.display(description="estimated (local)", ordering="estimated_departure")
    def estimated(self, flight: Flight) -> str:
        return _local(flight.estimated_departure, flight.origin)

    @admin.display(description="booked / seats")
    def load(self, flight: Flight) -> str:
        return ", ".join(f"{c} {flight.booked(c)}/{flight.seats(c)}" for c in CABINS_HIGHEST_FIRST if flight.seats(c))
