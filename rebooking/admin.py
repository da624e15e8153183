"""Admin for reaccommodation cases: the unprotected queue, passengers' choices, operator rebooking, refunds."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from operations.disruption_rows import RootFilter
from operations.drill_rows import DrillsFilter
from passengers.models import Booking

from .choices import refund
from .manual import alternatives, choose_itinerary
from .models import CaseStatus, Reaccommodation
from .refusals import DecisionError
from .selectors import refund_refused


def _journey(legs: list[dict]) -> str:
    return " → ".join(f"{leg['flight']} {leg['cabin']}" for leg in legs) or "—"


class ItineraryChoiceForm(forms.Form):
    """Pick one of the valid itineraries (each option encodes flight ids and cabins)."""

    itinerary = forms.ChoiceField(widget=forms.RadioSelect)

    def __init__(self, *args: object, options: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["itinerary"].choices = options


def _option_value(flights: list[int], cabins: list[str]) -> str:
    return ";".join(f"{flight}:{cabin}" for flight, cabin in zip(flights, cabins, strict=True))


def _parse_option(value: str) -> tuple[list[int], list[str]]:
    pairs = [part.split(":") for part in value.split(";")]
    return [int(flight) for flight, _ in pairs], [cabin for _, cabin in pairs]


class RefundForm(forms.Form):
    """The booking whose passengers chose a refund (told to an operator, e.g. at the desk or on the phone)."""

    locator = forms.CharField(max_length=6, min_length=6, help_text="The booking's record locator.")

    def clean_locator(self) -> Booking:
        locator = self.cleaned_data["locator"].strip().upper()
        booking = Booking.objects.filter(locator=locator).first()
        if booking is None:
            raise forms.ValidationError(f"No booking {locator}.")
        return booking


@admin.register(Reaccommodation)
class ReaccommodationAdmin(admin.ModelAdmin):
    list_display = ["booking", "disrupted_flight", "cause", "status", "priority_class", "old_journey",
                    "new_journey", "arrival_delay_minutes", "decided_by", "created_at"]  # fmt: skip
    list_filter = ["status", "cause", "priority_class", "disruption_airport", "created_at", RootFilter, DrillsFilter]
    search_fields = ["booking__locator", "booking__passengers__last_name", "=event__id"]
    list_select_related = ["booking", "disrupted_flight", "disrupted_flight__carrier"]
    readonly_fields = [f.name for f in Reaccommodation._meta.fields] + ["refund_right", "rebook_link"]
    date_hierarchy = "created_at"
    actions = ["refund_selected"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Reaccommodation | None = None) -> bool:
        return False

    @admin.display(description="old journey")
    def old_journey(self, case: Reaccommodation) -> str:
        return _journey(case.old)

    @admin.display(description="new journey")
    def new_journey(self, case: Reaccommodation) -> str:
        return _journey(case.new)

    @admin.display(description="refund (Art. 8)")
    def refund_right(self, case: Reaccommodation) -> str:
        refused = refund_refused(case.booking_id)
        if refused is not None:
            return f"not open: {refused}"
        return "open: the passengers may choose a refund (action “Refund the selected bookings”)"

    @admin.action(description="Refund the selected bookings (Art. 8)", permissions=["change"])
    def refund_selected(self, request: HttpRequest, queryset: QuerySet[Reaccommodation]) -> None:
        """Record a refund for each selected case's booking where the right is; say which were refused and why."""
        username = request.user.get_username()
        for booking in Booking.objects.filter(id__in=queryset.values("booking_id")).order_by("locator"):
            self._refund(request, booking, by=username)

    def _refund(self, request: HttpRequest, booking: Booking, *, by: str) -> Reaccommodation | None:
        try:
            case = refund(booking_id=booking.id, by=by)
        except DecisionError as exc:
            self.message_user(request, f"{booking.locator}: nothing changed, {exc}.", messages.ERROR)
            return None
        self.log_change(request, case, "Refunded")
        self.message_user(request, f"{booking.locator} refunded.", messages.SUCCESS)
        return case

    @admin.display(description="pick another itinerary")
    def rebook_link(self, case: Reaccommodation) -> SafeString:
        url = reverse("admin:rebooking_reaccommodation_rebook", args=[case.pk])
        return format_html('<a class="button" href="{}">Choose an itinerary…</a>', url)

    def get_urls(self) -> list:
        return [
            path(
                "<int:pk>/rebook/",
                self.admin_site.admin_view(self.rebook_view),
                name="rebooking_reaccommodation_rebook",
            ),
            path("refund/", self.admin_site.admin_view(self.refund_view), name="rebooking_reaccommodation_refund"),
            *super().get_urls(),
        ]

    def rebook_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """List the valid itineraries for the case's party and move it onto the one the operator picks."""
        case = get_object_or_404(Reaccommodation.objects.select_related("booking"), pk=pk)
        if not self.has_change_permission(request, case):
            raise PermissionDenied
        party, candidates = alternatives(case)
        options = [
            (
                _option_value([f.id for f in c.flights], [cabins[0] for cabins in c.cabins]),
                " → ".join(
                    f"{f.designator} ({f.origin} {f.departure:%d %b %H:%M}Z → {f.destination} {f.arrival:%H:%M}Z, "
                    f"{cabins[0]})"
                    for f, cabins in zip(c.flights, c.cabins, strict=True)
                ),
            )
            for c in candidates
        ]
        form = ItineraryChoiceForm(request.POST or None, options=options)
        if request.method == "POST" and form.is_valid():
            flights, cabins = _parse_option(form.cleaned_data["itinerary"])
            try:
                choose_itinerary(case, flight_ids=flights, cabins=cabins, by=request.user.get_username())
            except DecisionError as exc:  # a rule, or a concurrent change that took the seats
                self.message_user(request, f"Nothing changed: {exc}", messages.ERROR)
            else:
                self.log_change(request, case, f"Rebooked on {form.cleaned_data['itinerary']}")
                self.message_user(request, f"{case.booking.locator} rebooked.", messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:rebooking_reaccommodation_change", args=[pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": f"Rebook {case.booking.locator} ({party.size} passengers, from {party.origin})",
            "case": case,
            "party": party,
            "form": form,
            "opts": self.model._meta,
            "has_options": bool(options),
            "unprotected": case.status == CaseStatus.UNPROTECTED,
        }
        return TemplateResponse(request, "admin/rebooking/rebook.html", context)

    def refund_view(self, request: HttpRequest) -> HttpResponse:
        """Refund any booking of a flight that gives the right (with or without a case), by its locator."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        form = RefundForm(request.POST or None, initial={"locator": request.GET.get("locator", "")})
        if request.method == "POST" and form.is_valid():
            case = self._refund(request, form.cleaned_data["locator"], by=request.user.get_username())
            if case is not None:
                return HttpResponseRedirect(reverse("admin:rebooking_reaccommodation_change", args=[case.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": "Refund a booking (Art. 8)",
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/rebooking/refund.html", context)
