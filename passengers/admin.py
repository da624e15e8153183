"""Operations control for bookings, passengers and segments."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest

from flights.admin import FlightSearchMixin

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
    list_display = ("ref", "last_name", "first_name", "booking", "tier", "assistance", "email", "phone")
    list_filter = ("tier",)
    list_select_related = ("booking",)
    search_fields = ("=ref", "last_name", "first_name", "=booking__locator")
    search_help_text = "Passenger id, name or booking locator."
    autocomplete_fields = ("booking",)


@admin.register(Segment)
class SegmentAdmin(FlightSearchMixin, admin.ModelAdmin):
    list_display = ("booking", "position", "flight", "cabin", "status")
    list_filter = ("status", "cabin", "flight__service_date")
    list_select_related = ("booking", "flight")
    search_fields = ("=booking__locator",)
    search_help_text = "Booking locator or flight (NV117, NV117/2026-11-25)."
    flight_lookup_prefix = "flight__"
    autocomplete_fields = ("booking", "flight")
