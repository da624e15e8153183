"""Admin for reaccommodation cases: the unprotected queue, passengers' choices, operator rebooking."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from .manual import DecisionError, alternatives, choose_itinerary
from .models import CaseStatus, Reaccommodation


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


@admin.register(Reaccommodation)
class ReaccommodationAdmin(admin.ModelAdmin):
    list_display = ["booking", "disrupted_flight", "cause", "status", "priority_class", "old_journey",
                    "new_journey", "arrival_delay_minutes", "decided_by", "created_at"]  # fmt: skip
    list_filter = ["status", "cause", "priority_class", "refund_allowed", "disruption_airport", "created_at"]
    search_fields = ["booking__locator", "booking__passengers__last_name", "=event__id"]
    list_select_related = ["booking", "disrupted_flight", "disrupted_flight__carrier"]
    readonly_fields = [f.name for f in Reaccommodation._meta.fields] + ["rebook_link"]
    date_hierarchy = "created_at"

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
            except DecisionError as exc:
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
