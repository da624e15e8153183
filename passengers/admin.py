"""Operations control for bookings, passengers and segments."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from flights.admin import FlightSearchMixin
from operations.passenger_page import passenger_page

from .models import Booking, Passenger, Segment, SegmentStatus


class PassengerInline(admin.TabularInline):
    model = Passenger
    fields = ("ref", "first_name", "last_name", "email", "phone", "tier", "assistance")
    extra = 0


class SegmentInline(admin.TabularInline):
    model = Segment
    fields = ("position", "flight", "cabin", "status")
    autocomplete_fields = ("flight",)
    extra = 0


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):
    list_display = ("locator", "party", "journey", "created_at")
    search_fields = ("=locator", "=passengers__ref", "passengers__last_name")
    search_help_text = "Locator, passenger id or last name."
    readonly_fields = ("created_at",)
    inlines = (PassengerInline, SegmentInline)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Booking]:
        active = Segment.objects.filter(status=SegmentStatus.ACTIVE).select_related("flight")
        return (
            super()
            .get_queryset(request)
            .prefetch_related("passengers", Prefetch("segments", queryset=active, to_attr="active_segments"))
        )

    @admin.display(description="passengers")
    def party(self, booking: Booking) -> int:
        return len(booking.passengers.all())

    @admin.display(description="journey (active segments)")
    def journey(self, booking: Booking) -> str:
        return " · ".join(f"{segment.flight} {segment.cabin}" for segment in booking.active_segments)


@admin.register(Passenger)
class PassengerAdmin(admin.ModelAdmin):
    """The passengers, each row leading to the passenger page: everything that happened to them, read-only."""

    list_display = ("ref", "last_name", "first_name", "booking", "tier", "assistance", "email", "phone")
    list_filter = ("tier",)
    list_select_related = ("booking",)
    search_fields = ("=ref", "last_name", "first_name", "=booking__locator")
    search_help_text = "Passenger id, name or booking locator."
    autocomplete_fields = ("booking",)

    def has_change_permission(self, request: HttpRequest, obj: Passenger | None = None) -> bool:
        return False  # the page reads what happened; contact details come with the booking

    def get_queryset(self, request: HttpRequest) -> QuerySet[Passenger]:
        return super().get_queryset(request).select_related("booking")

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        """The passenger page (in place of the change form)."""
        passenger = self.get_object(request, unquote(object_id))
        if passenger is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_permission(request, passenger):
            raise PermissionDenied
        page = passenger_page(passenger)
        context = {
            **self.admin_site.each_context(request),
            "title": f"{passenger.first_name} {passenger.last_name}",
            "subtitle": passenger.ref,
            "opts": self.opts,
            "original": passenger,
            "page": page,
            "journeys": [("Journey as ticketed", page.ticketed), ("Journey now", page.current)],
            "has_view_permission": True,
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/passengers/passenger/page.html", context)


@admin.display(description="passenger", ordering="passenger__ref")
def passenger_link(record: Any) -> SafeString:
    """A list column: the record's passenger, linked to the passenger page (select the passenger with the rows)."""
    url = reverse("admin:passengers_passenger_change", args=[record.passenger_id])
    return format_html('<a href="{}">{}</a>', url, record.passenger)


@admin.register(Segment)
class SegmentAdmin(FlightSearchMixin, admin.ModelAdmin):
    list_display = ("booking", "position", "flight", "cabin", "status")
    list_filter = ("status", "cabin", "flight__service_date")
    list_select_related = ("booking", "flight")
    search_fields = ("=booking__locator",)
    search_help_text = "Booking locator or flight (NV117, NV117/2026-11-25)."
    flight_lookup_prefix = "flight__"
    autocomplete_fields = ("booking", "flight")
