"""Operations control for compensation entitlements."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.models import CHANGE, LogEntry
from django.db.models import QuerySet
from django.http import HttpRequest

from flights.admin import FlightSearchMixin
from operations.disruption_rows import RootFilter
from operations.drill_rows import DrillsFilter

from .models import Entitlement
from .services import mark_paid


@admin.register(Entitlement)
class EntitlementAdmin(FlightSearchMixin, admin.ModelAdmin):
    list_display = ("passenger", "locator", "flight", "regime", "case", "band", "arrival_delay_minutes", "reason_code",
                    "amount", "currency", "status", "assessed_at")  # fmt: skip
    list_filter = ("status", "regime", "case", "band", "reason_code", "flight__service_date", RootFilter, DrillsFilter)
    list_select_related = ("passenger", "booking", "flight")
    search_fields = ("=passenger__ref", "passenger__last_name", "=booking__locator")
    search_help_text = "Passenger id, last name, booking locator or flight (NV117, NV117/2026-11-25)."
    flight_lookup_prefix = "flight__"
    actions = ("pay",)
    # Assessed by the compensation subscriber from the rulebook; operators only record payment.
    readonly_fields = [field.name for field in Entitlement._meta.fields]

    @admin.display(description="locator", ordering="booking__locator")
    def locator(self, entitlement: Entitlement) -> str:
        """The journey's booking locator."""
        return entitlement.booking.locator

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Entitlement | None = None) -> bool:
        return False

    @admin.action(description="Mark selected eligible compensation paid", permissions=["change"])
    def pay(self, request: HttpRequest, queryset: QuerySet[Entitlement]) -> None:
        paid = mark_paid(list(queryset.values_list("id", flat=True)), by=request.user.get_username())
        if paid:
            LogEntry.objects.log_actions(
                request.user.pk,
                Entitlement.objects.filter(id__in=[e.id for e in paid]),
                CHANGE,
                [{"changed": {"fields": ["status"]}}],
            )
        left = queryset.count() - len(paid)
        level = messages.SUCCESS if paid else messages.WARNING
        self.message_user(
            request, f"{len(paid)} marked paid; {left} not eligible or already paid left as they were.", level
        )
