"""Operations control for meal vouchers (redeem, void) and the tariffs that price them, one per regime."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.models import CHANGE, LogEntry
from django.db.models import QuerySet
from django.http import HttpRequest

from flights.admin import FlightSearchMixin
from operations.disruption_rows import RootFilter
from operations.drill_rows import DrillsFilter

from .models import MealVoucher, TariffRegime, VoucherStatus, VoucherTariff
from .services import close_vouchers


@admin.register(MealVoucher)
class MealVoucherAdmin(FlightSearchMixin, admin.ModelAdmin):
    list_display = ("code", "passenger", "flight", "airport", "amount", "currency", "status", "issued_at", "raised_at")
    list_filter = (
        "status",
        ("airport", admin.RelatedOnlyFieldListFilter),
        "flight__service_date",
        "currency",
        RootFilter,
        DrillsFilter,
    )
    list_select_related = ("passenger", "flight", "airport")
    search_fields = ("=code", "=passenger__ref", "passenger__last_name", "=passenger__booking__locator")
    search_help_text = "Voucher code, passenger id, last name, booking locator or flight (NV117, NV117/2026-11-25)."
    flight_lookup_prefix = "flight__"
    date_hierarchy = "issued_at"
    actions = ("redeem", "void")
    # Vouchers are issued and raised by the vouchers subscriber; operators only redeem or void them.
    readonly_fields = [field.name for field in MealVoucher._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: MealVoucher | None = None) -> bool:
        return False

    @admin.action(description="Redeem selected vouchers", permissions=["change"])
    def redeem(self, request: HttpRequest, queryset: QuerySet[MealVoucher]) -> None:
        self._close(request, queryset, VoucherStatus.REDEEMED)

    @admin.action(description="Void selected vouchers", permissions=["change"])
    def void(self, request: HttpRequest, queryset: QuerySet[MealVoucher]) -> None:
        self._close(request, queryset, VoucherStatus.VOID)

    def _close(self, request: HttpRequest, queryset: QuerySet[MealVoucher], status: VoucherStatus) -> None:
        closed = close_vouchers(queryset.values_list("id", flat=True), status=status, by=request.user.get_username())
        if closed.changed:
            LogEntry.objects.log_actions(
                request.user.pk,
                MealVoucher.objects.filter(id__in=[v.id for v in closed.changed]),
                CHANGE,
                [{"changed": {"fields": ["status"]}}],
            )
            self.message_user(request, f"{len(closed.changed)} voucher(s) {status}.", messages.SUCCESS)
        for reason in closed.refused.values():
            self.message_user(request, reason, messages.ERROR)


@admin.register(VoucherTariff)
class VoucherTariffAdmin(admin.ModelAdmin):
    """One tariff per regime, in the regime's currency: added once (when a regime has none), then edited, never
    deleted."""

    list_display = ("regime", "currency", "per_period", "minimum", "maximum", "updated_at")

    def get_readonly_fields(self, request: HttpRequest, obj: VoucherTariff | None = None) -> tuple[str, ...]:
        # The regime keys the row (changed in the form it would make another row), and its currency is the law's;
        # on the add form the regime's choices name their currency.
        return ("regime", "currency", "updated_at") if obj is not None else ("updated_at",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return VoucherTariff.objects.count() < len(TariffRegime.values)

    def has_delete_permission(self, request: HttpRequest, obj: VoucherTariff | None = None) -> bool:
        return False
