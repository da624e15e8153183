"""The passenger page's read: one passenger's journey, duties, care, compensation, choices, messages and history.

It gathers what several apps hold about one passenger in a fixed number of queries (one per kind of record),
however many records of each there are, so the page loads as fast for a passenger of twenty disruptions as of one.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import cast

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.urls import reverse

from airline import clock
from compensation.models import Entitlement
from lodging.models import HotelStay, UnaccommodatedStay
from notifications.models import PassengerMessage
from notifications.rendering import Text, render
from passengers.models import Passenger, Segment, SegmentStatus
from rebooking.choices import open_itinerary_choices
from rebooking.models import Reaccommodation
from rights.duties import DutyKind, DutyStatus
from vouchers.models import MealVoucher

from .models import Duty


@dataclass(frozen=True)
class DutyLine:
    """A duty, whether it is overdue now, and (for an open reaccommodation) the case an operator acts on."""

    duty: Duty
    overdue: bool
    case: Reaccommodation | None

    @property
    def needs_reaccommodation(self) -> bool:
        return self.duty.kind == DutyKind.REACCOMMODATION and self.duty.status == DutyStatus.OPEN


@dataclass(frozen=True)
class CaseLine:
    """A reaccommodation case of the passenger's booking and the itinerary choices still open on it."""

    case: Reaccommodation
    open_choices: list[str]


@dataclass(frozen=True)
class MessageLine:
    """A passenger message and the text it carries (as the sender renders it)."""

    message: PassengerMessage
    text: Text


@dataclass(frozen=True)
class HistoryLine:
    """One thing done to the passenger: when (UTC), what, and the record's admin page."""

    at: dt.datetime
    what: str
    url: str


@dataclass(frozen=True)
class PassengerPage:
    passenger: Passenger
    ticketed: list[Segment]
    current: list[Segment]
    duties: list[DutyLine]
    vouchers: list[MealVoucher]
    stays: list[HotelStay]
    entitlements: list[Entitlement]
    cases: list[CaseLine]
    messages: list[MessageLine]
    history: list[HistoryLine]


def passenger_page(passenger: Passenger) -> PassengerPage:
    """Everything the page shows about ``passenger`` (loaded with its booking), in eight queries (the
    first page a process serves also reads the content types)."""
    segments = list(
        Segment.objects.filter(booking_id=passenger.booking_id)
        .select_related("flight__origin", "flight__destination")
        .order_by("position", "id")
    )
    duties = list(passenger.duties.select_related("root", "flight__origin", "met_by").order_by("due", "kind"))
    vouchers = list(passenger.meal_vouchers.select_related("flight", "airport").order_by("issued_at"))
    stays = list(passenger.hotel_stays.select_related("hotel", "airport", "flight").order_by("night"))
    entitlements = list(passenger.compensation_entitlements.select_related("flight").order_by("assessed_at"))
    cases = list(
        Reaccommodation.objects.filter(booking_id=passenger.booking_id)
        .select_related("event", "disrupted_flight")
        .order_by("created_at")
    )
    messages = list(passenger.messages.select_related("event", "flight").order_by("created_at", "id"))
    for message in messages:
        message.passenger = passenger  # the templates greet the passenger: no query per message
    now = clock.now()
    case_of_flow = {case.event.root_id: case for case in cases}
    records: list[models.Model] = [passenger, passenger.booking, *duties, *vouchers, *stays, *entitlements]
    records += [*cases, *messages]
    return PassengerPage(
        passenger=passenger,
        ticketed=[s for s in segments if s.added_at is None],
        current=[s for s in segments if s.status == SegmentStatus.ACTIVE],
        duties=[DutyLine(d, d.status == DutyStatus.OPEN and d.due < now, case_of_flow.get(d.root_id)) for d in duties],
        vouchers=vouchers,
        stays=stays,
        entitlements=entitlements,
        cases=[CaseLine(case, open_itinerary_choices(case)) for case in cases],
        messages=[MessageLine(message, render(message)) for message in messages],
        history=sorted(
            [
                *_duty_history(duties),
                *_voucher_history(vouchers),
                *_stay_history(stays),
                *_entitlement_history(entitlements),
                *_case_history(cases),
                *_message_history(messages),
                *_admin_history(records),
            ],
            key=lambda line: line.at,
        ),
    )


def change_url(record: models.Model) -> str:
    """The record's page in the console."""
    opts = record._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[record.pk])


def _duty_history(duties: Iterable[Duty]) -> Iterator[HistoryLine]:
    for duty in duties:
        url, what = change_url(duty), f"{duty.get_kind_display().capitalize()} duty ({duty.flight})"
        yield HistoryLine(duty.created_at, f"{what} owed, due {duty.due:%d %b %H:%M} UTC", url)
        if duty.overdue_since:
            yield HistoryLine(duty.overdue_since, f"{what} overdue", url)
        if duty.met_at:
            yield HistoryLine(duty.met_at, f"{what} met" + (f" by {duty.met_by.type}" if duty.met_by else ""), url)
        if duty.waived_at:
            yield HistoryLine(duty.waived_at, f"{what} waived by {duty.waived_by}: {duty.waive_reason}", url)


def _voucher_history(vouchers: Iterable[MealVoucher]) -> Iterator[HistoryLine]:
    for voucher in vouchers:
        url, what = change_url(voucher), f"Meal voucher {voucher.code} ({voucher.flight})"
        yield HistoryLine(voucher.issued_at, f"{what} issued", url)
        if voucher.raised_at:
            yield HistoryLine(voucher.raised_at, f"{what} raised to {voucher.amount} {voucher.currency}", url)
        if voucher.closed_at:
            closed = f"{what} {voucher.get_status_display().lower()} by {voucher.closed_by or 'the system'}"
            yield HistoryLine(voucher.closed_at, closed, url)


def _stay_history(stays: Iterable[HotelStay]) -> Iterator[HistoryLine]:
    for stay in stays:
        where = str(stay.hotel) if stay.hotel else "no room left"
        what = f"Stay at {stay.airport_id}, night of {stay.night:%d %b}: {where}"
        yield HistoryLine(stay.created_at, what, change_url(stay))


def _entitlement_history(entitlements: Iterable[Entitlement]) -> Iterator[HistoryLine]:
    for entitlement in entitlements:
        url = change_url(entitlement)
        amount = f"{entitlement.amount} {entitlement.currency}"
        assessed = f"Compensation assessed: {entitlement.get_status_display().lower()}, {amount} ({entitlement.regime})"
        yield HistoryLine(entitlement.assessed_at, assessed, url)
        if entitlement.paid_at:
            yield HistoryLine(entitlement.paid_at, f"Compensation {amount} paid by {entitlement.paid_by}", url)


def _case_history(cases: Iterable[Reaccommodation]) -> Iterator[HistoryLine]:
    for case in cases:
        url, what = change_url(case), f"Reaccommodation after {case.disrupted_flight}"
        yield HistoryLine(case.created_at, f"{what}: {case.get_cause_display().lower()}", url)
        if case.decided_at:
            yield HistoryLine(case.decided_at, f"{what}: {case.get_status_display().lower()} by {case.decided_by}", url)


def _message_history(messages: Iterable[PassengerMessage]) -> Iterator[HistoryLine]:
    for message in messages:
        url, what = change_url(message), f"{message.get_kind_display()} message by {message.channel}"
        yield HistoryLine(message.created_at, f"{what} queued to {message.recipient}", url)
        if message.finished_at:
            outcome = "sent" if message.status == "done" else f"failed ({message.last_error or message.status})"
            yield HistoryLine(message.finished_at, f"{what} {outcome}", url)


def _admin_history(records: list[models.Model]) -> Iterator[HistoryLine]:
    """What operators did to these records in the console (the admin's log), in one query. The admin logs a
    record under the model its page is for, so a stay acted on in the unaccommodated queue is looked up there too."""
    models_logged = {type(record) for record in records} | {UnaccommodatedStay}
    types = ContentType.objects.get_for_models(*models_logged, for_concrete_models=False)
    keys: dict[tuple[int, str], models.Model] = {}
    for record in records:
        for model in (type(record), *_LOGGED_ALSO_AS.get(type(record), ())):
            keys[types[model].id, str(record.pk)] = record
    object_ids: dict[int, list[str]] = defaultdict(list)
    for content_type_id, object_id in keys:
        object_ids[content_type_id].append(object_id)
    matches = Q()
    for content_type_id, ids in object_ids.items():
        matches |= Q(content_type_id=content_type_id, object_id__in=ids)
    for entry in LogEntry.objects.filter(matches).select_related("user"):
        record = keys[cast(int, entry.content_type_id), cast(str, entry.object_id)]  # set: the filter matched them
        action = entry.get_change_message() or entry.get_action_flag_display()
        what = f"{str(record._meta.verbose_name).capitalize()}: {action} by {entry.user}"
        yield HistoryLine(entry.action_time, what, change_url(record))


#: Models whose records the admin may also log under a proxy's page.
_LOGGED_ALSO_AS: dict[type[models.Model], tuple[type[models.Model], ...]] = {HotelStay: (UnaccommodatedStay,)}
