"""Duties in the operations console: every duty a disruption owes, filterable, and the page to act on one duty
(waive it with a reason, book a hotel by hand, resend the notice, reach the rebooking and refund pages).

Each action is published as an event in the disruption's flow (``duty.waived``, ``hotel.booked``), applied by
its subscribers; resending a notice makes its messages pending again (ADR 8).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.views.decorators.http import require_POST

from airline import clock
from lodging.models import HotelStay, RoomNight, StayStatus
from lodging.services import NotBookable, book_by_hand
from notifications.models import PassengerMessageStatus
from notifications.services.passengers import send_again
from passengers.admin import passenger_link
from rights.duties import DutyKind, DutyStatus

from . import selectors, services
from .disruption_rows import RootFilter
from .drill_rows import DrillsFilter
from .forms import BookHotelForm, WaiveForm
from .models import Duty
from .templatetags.console_times import local, utc

FACTS = ["passenger_and_booking", "flight", "disruption", "kind", "status", "due_times", "overdue", "met", "waived"]


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
    list_filter = ["status", OverdueFilter, "kind", RootFilter, DrillsFilter]
    search_fields = ["passenger__ref", "passenger__booking__locator", "passenger__last_name"]
    list_select_related = ["passenger__booking", "flight__carrier"]
    date_hierarchy = "due"
    actions = ["waive_selected"]
    fields = FACTS
    readonly_fields = FACTS

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

    @admin.display(description="passenger")
    def passenger_and_booking(self, duty: Duty) -> SafeString:
        passenger = duty.passenger
        url = reverse("admin:passengers_passenger_change", args=[passenger.pk])
        name = f"{passenger.first_name} {passenger.last_name}"
        return format_html('<a href="{}">{}</a> {}, booking {}', url, passenger.ref, name, passenger.booking.locator)

    @admin.display(description="disruption")
    def disruption(self, duty: Duty) -> SafeString:
        url = reverse("admin:events_event_change", args=[duty.root_id])
        return format_html('<a href="{}">{}</a> at {}', url, duty.root.type, utc(duty.root.occurred_at))

    @admin.display(description="due")
    def due_times(self, duty: Duty) -> str:
        return f"{utc(duty.due)}, {local(duty.due, selectors.stranded(duty).airport)} local"

    @admin.display(description="met")
    def met(self, duty: Duty) -> SafeString | str:
        if duty.met_at is None:
            return "—"
        if duty.met_by_id is None:
            return utc(duty.met_at)
        url = reverse("admin:events_event_change", args=[duty.met_by_id])
        return format_html('{} by <a href="{}">{}</a>', utc(duty.met_at), url, duty.met_by.type)

    @admin.display(description="waived")
    def waived(self, duty: Duty) -> str:
        if duty.waived_at is None:
            return "—"
        return f"{utc(duty.waived_at)} by {duty.waived_by}: {duty.waive_reason}"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Duty]:
        return super().get_queryset(request).select_related("root", "met_by", "flight__origin", "passenger__booking")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # the observer records duties; operators meet or waive them

    def has_delete_permission(self, request: HttpRequest, obj: Duty | None = None) -> bool:
        return False

    def has_book_hotel_permission(self, request: HttpRequest, duty: Duty | None = None) -> bool:
        """Booking a room by hand changes the duty and lodging's stays."""
        return self.has_change_permission(request, duty) and request.user.has_perm("lodging.change_hotelstay")

    def has_resend_permission(self, request: HttpRequest, duty: Duty | None = None) -> bool:
        """Resending a notice changes the duty's passenger messages."""
        return self.has_change_permission(request, duty) and request.user.has_perm(
            "notifications.change_passengermessage"
        )

    def get_urls(self) -> list:
        def view(name: str, route: str, function: Any) -> Any:
            return path(route, self.admin_site.admin_view(function), name=f"operations_duty_{name}")

        return [
            view("waive", "<int:pk>/waive/", self.waive_view),
            view("book_hotel", "<int:pk>/book-hotel/", self.book_hotel_view),
            view("resend_notice", "<int:pk>/resend-notice/", require_POST(self.resend_notice_view)),
            view("book_stay", "book-stay/<int:stay_id>/", self.book_stay_view),
            *super().get_urls(),
        ]

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        """The duty's facts, and the buttons for the actions its kind allows while it is open."""
        duty = self.get_object(request, object_id)
        context: dict[str, Any] = {"actions_on_duty": self._actions_on(request, duty) if duty else []}
        if duty is not None:
            context["title"] = f"{duty.get_kind_display().capitalize()} owed to {duty.passenger.ref}"
        context |= extra_context or {}
        context |= {"show_save": False, "show_save_and_continue": False, "show_save_and_add_another": False}
        return super().change_view(request, object_id, form_url, extra_context=context)

    def _actions_on(self, request: HttpRequest, duty: Duty) -> list[tuple[str, str, str]]:
        """``(label, url, method)`` of each action the operator may take on the duty now."""
        if duty.status != DutyStatus.OPEN or not self.has_change_permission(request, duty):
            return []

        def on_duty(name: str) -> str:
            return reverse(f"admin:operations_duty_{name}", args=[duty.pk])

        actions = [("Waive…", on_duty("waive"), "get")]
        if duty.kind == DutyKind.HOTEL and self.has_book_hotel_permission(request, duty):
            actions.append(("Book a hotel by hand…", on_duty("book_hotel"), "get"))
        if duty.kind == DutyKind.REACCOMMODATION and request.user.has_perm("rebooking.change_reaccommodation"):
            case = selectors.reaccommodation_case(duty)
            if case is not None:
                actions.append(("Rebook…", reverse("admin:rebooking_reaccommodation_rebook", args=[case.pk]), "get"))
            refund = reverse("admin:rebooking_reaccommodation_refund")
            actions.append(("Refund…", f"{refund}?locator={duty.passenger.booking.locator}", "get"))
        dead = selectors.rights_notices(duty).filter(status=PassengerMessageStatus.DEAD)
        if duty.kind == DutyKind.RIGHTS_NOTICE and self.has_resend_permission(request, duty) and dead.exists():
            actions.append(("Resend the notice", on_duty("resend_notice"), "post"))
        return actions

    def _duty_to_change(self, request: HttpRequest, pk: int) -> Duty:
        duty = get_object_or_404(self.get_queryset(request), pk=pk)
        if not self.has_change_permission(request, duty):
            raise PermissionDenied
        return duty

    def _back_to(self, duty: Duty) -> HttpResponseRedirect:
        return HttpResponseRedirect(reverse("admin:operations_duty_change", args=[duty.pk]))

    def _page(self, request: HttpRequest, template: str, title: str, **context: Any) -> TemplateResponse:
        context = {**self.admin_site.each_context(request), "title": title, "opts": self.model._meta, **context}
        return TemplateResponse(request, template, context)

    def waive_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Waive the duty with a reason: published as ``duty.waived``, applied by the duties observer."""
        duty = self._duty_to_change(request, pk)
        form = WaiveForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.request_waivers([duty], by=request.user.get_username(), reason=form.cleaned_data["reason"])
            except services.NotWaivable as exc:
                form.add_error(None, f"Nothing changed: {exc}.")
            else:
                self.log_change(request, duty, f"Waived: {form.cleaned_data['reason']}")
                self.message_user(request, "Waiver published: the duty shows waived once the observer applies it.")
                return self._back_to(duty)
        return self._page(request, "admin/operations/waive.html", f"Waive {duty}", duties=[duty], form=form)

    def book_hotel_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Book a room by hand for the duty's passenger and the others of their booking owed one by the same
        disruption; lodging publishes ``hotel.booked``, which meets their hotel duties."""
        duty = self._duty_to_change(request, pk)
        if not self.has_book_hotel_permission(request, duty):
            raise PermissionDenied
        where = selectors.stranded(duty)
        party = selectors.hotel_party(duty)
        form = BookHotelForm(request.POST or None, airport=where.airport, night=where.night)
        if request.method == "POST" and form.is_valid():
            if duty.status != DutyStatus.OPEN:
                form.add_error(None, f"Nothing changed: the duty is {duty.status} already.")
            else:
                try:
                    book_by_hand(
                        passenger_ids=[p.id for p in party],
                        flight_id=duty.flight_id,
                        by=request.user.get_username(),
                        cause=duty.root.facts,
                        **form.cleaned_data,
                    )
                except NotBookable as exc:
                    form.add_error(None, f"Nothing changed: {exc}.")
                else:
                    hotel = form.cleaned_data["hotel"]
                    self.log_change(request, duty, f"Booked {hotel.code} by hand for {len(party)} passenger(s)")
                    self.message_user(request, f"Booked {hotel} for {len(party)} passenger(s).", messages.SUCCESS)
                    return self._back_to(duty)
        night = (form.cleaned_data.get("night") if form.is_bound else None) or where.night
        offer = RoomNight.objects.filter(hotel__airport=where.airport, night=night).select_related("hotel")
        return self._page(
            request,
            "admin/operations/book_hotel.html",
            f"Book a hotel by hand at {where.airport.code}",
            duty=duty,
            party=party,
            where=where,
            form=form,
            offer=offer.order_by("hotel__rank", "hotel__code"),
        )

    def resend_notice_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Send the duty's dead notices of rights again; the review sweep meets the duty once one is sent."""
        duty = self._duty_to_change(request, pk)
        if not self.has_resend_permission(request, duty):
            raise PermissionDenied
        sent = send_again(selectors.rights_notices(duty).values_list("id", flat=True))
        if sent:
            self.log_change(request, duty, f"Resent the notice of rights ({len(sent)} message(s))")
            self.message_user(request, f"{len(sent)} notice(s) queued to send again.", messages.SUCCESS)
        else:
            self.message_user(request, "Nothing to resend: no notice of this duty failed.", messages.ERROR)
        return self._back_to(duty)

    def book_stay_view(self, request: HttpRequest, stay_id: int) -> HttpResponse:
        """From an unaccommodated stay, to booking a room by hand on its passenger's open hotel duty."""
        stay = get_object_or_404(HotelStay, pk=stay_id, status=StayStatus.UNACCOMMODATED)
        duty = (
            Duty.objects.filter(passenger_id=stay.passenger_id, flight_id=stay.flight_id, kind=DutyKind.HOTEL)
            .filter(status=DutyStatus.OPEN)
            .order_by("-created_at")
            .first()
        )
        if duty is None:
            self.message_user(request, "No open hotel duty for this stay.", messages.ERROR)
            return HttpResponseRedirect(reverse("admin:lodging_unaccommodatedstay_changelist"))
        return HttpResponseRedirect(reverse("admin:operations_duty_book_hotel", args=[duty.pk]))

    @admin.action(description="Waive the selected open duties…", permissions=["change"])
    def waive_selected(self, request: HttpRequest, queryset: QuerySet[Duty]) -> HttpResponse | None:
        form = WaiveForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            try:
                waivers = services.request_waivers(
                    queryset, by=request.user.get_username(), reason=form.cleaned_data["reason"]
                )
            except services.NotWaivable as exc:
                self.message_user(request, f"Nothing changed: {exc}.", messages.ERROR)
                return None
            waived = sum(len(event.payload["duty_ids"]) for event in waivers)
            self.message_user(
                request,
                f"{waived} duties waived: they show waived once the observer applies it (duties already met or "
                "waived are left as they are).",
            )
            return None
        if "apply" in request.POST:
            self.message_user(request, "A duty is waived with a reason.", messages.ERROR)
        return self._page(
            request,
            "admin/operations/waive.html",
            "Waive duties",
            duties=queryset.select_related("passenger", "flight"),
            form=form,
            action_checkbox_name=admin.helpers.ACTION_CHECKBOX_NAME,
        )
