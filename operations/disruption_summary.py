"""What a disruption did, in words and numbers, each number with the filtered list of its rows.

A constant number of queries whatever the number of passengers: one aggregate per kind of row.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db.models import Count, Model, Q
from django.urls import reverse

from airline import clock
from compensation.models import Entitlement, EntitlementStatus
from events.contracts import InvalidPayload, decode
from events.models import DeliveryStatus, Event
from events.selectors import status_of_annotated, with_flow_counts
from lodging.models import HotelStay, StayStatus
from notifications.models import PartnerMessage, PassengerMessage
from passengers.selectors import passengers_on_flight
from rebooking.models import CaseStatus, Cause, Reaccommodation
from rights.duties import BusinessStatus, DutyStatus
from vouchers.models import MealVoucher

from .disruption_rows import disruption_list_url, of_disruption
from .models import Duty
from .selectors import business_statuses

REBOOKED = (CaseStatus.REBOOKED, CaseStatus.ACCEPTED)


@dataclass(frozen=True)
class Figure:
    """A number on the disruption page and the list of the rows it counts."""

    label: str
    count: int
    url: str


@dataclass(frozen=True)
class DisruptionSummary:
    """A disruption (its root event, with flow counts) told in words, its figures and its duties."""

    root: Event
    headline: str
    flow_status: str
    business_status: BusinessStatus
    figures: list[Figure]
    duties: list[Figure]

    @property
    def business_label(self) -> str:
        return self.business_status.replace("_", " ")


def zoned(moment: dt.datetime, airport_code: str, timezone: str) -> str:
    """``14:05 WAW local / 13:05 UTC``: a time as the airport's operators and the other airports' both read it."""
    local = moment.astimezone(ZoneInfo(timezone))
    return f"{local:%H:%M} {airport_code} local / {moment.astimezone(dt.UTC):%H:%M} UTC"


def _what(event: Event) -> str:
    verb = event.type.rsplit(".", 1)[-1].replace("_", " ")
    try:
        summary = decode(event.type, event.version, event.payload).summary()
    except InvalidPayload:
        return verb
    return summary if summary.startswith(verb) else f"{verb} {summary}"


def headline(root: Event, business: BusinessStatus) -> str:
    """``NV151 WAW→LHR delayed 200 min (TECH), at 14:05 WAW local / 13:05 UTC, business status: needs action``."""
    flight = root.flight
    if flight is None:
        where, when = root.payload.get("flight", "—"), f"{root.occurred_at.astimezone(dt.UTC):%H:%M} UTC"
    else:
        origin = flight.origin
        where = f"{flight.designator} {origin.code}→{flight.destination_id}"
        when = zoned(root.occurred_at, origin.code, origin.timezone)
    return f"{where} {_what(root)}, at {when}, business status: {business.replace('_', ' ')}"


# Each figure counts the disruption's rows of a model that match the lookups its link puts in the list's query
# string, so the number and the list it opens cannot disagree. ``overdue`` is the duties list's own filter.
_ROW_FIGURES: list[tuple[str, type[Model], dict[str, str]]] = [
    ("bookings misconnected", Reaccommodation, {"cause__exact": Cause.MISCONNECT}),
    ("bookings rebooked", Reaccommodation, {"status__in": ",".join(REBOOKED)}),
    ("bookings unprotected", Reaccommodation, {"status__exact": CaseStatus.UNPROTECTED}),
    ("meal vouchers", MealVoucher, {}),
    ("stays booked", HotelStay, {"status__exact": StayStatus.BOOKED}),
    ("stays unaccommodated", HotelStay, {"status__exact": StayStatus.UNACCOMMODATED}),
    ("compensation records", Entitlement, {}),
    ("compensation eligible", Entitlement, {"status__exact": EntitlementStatus.ELIGIBLE}),
    ("passenger messages sent", PassengerMessage, {"status__exact": DeliveryStatus.DONE}),
    ("passenger messages failed", PassengerMessage, {"status__exact": DeliveryStatus.DEAD}),
    ("partner messages sent", PartnerMessage, {"status__exact": DeliveryStatus.DONE}),
    ("partner messages failed", PartnerMessage, {"status__exact": DeliveryStatus.DEAD}),
]
_DUTY_FIGURES: list[tuple[str, type[Model], dict[str, str]]] = [
    ("duties open", Duty, {"status__exact": DutyStatus.OPEN}),
    ("duties overdue", Duty, {"status__exact": DutyStatus.OPEN, "overdue": "yes"}),
    ("duties met", Duty, {"status__exact": DutyStatus.MET}),
    ("duties waived", Duty, {"status__exact": DutyStatus.WAIVED}),
]


def _condition(lookups: dict[str, str]) -> Q:
    """The ORM condition of a list's query-string lookups."""
    condition = Q()
    for key, value in lookups.items():
        if key == "overdue":
            condition &= Q(due__lt=clock.now())
        elif key.endswith("__in"):
            condition &= Q(**{key: value.split(",")})
        else:
            condition &= Q(**{key: value})
    return condition


def _counted(root_id: uuid.UUID, specs: list[tuple[str, type[Model], dict[str, str]]]) -> list[Figure]:
    """The figures of ``specs``, one aggregate query per model."""
    counts: dict[str, int] = {}  # by alias: f"n{index of the spec}" (labels are not SQL aliases)
    for model in dict.fromkeys(model for _, model, _ in specs):
        indexed = [(i, lookups) for i, (_, m, lookups) in enumerate(specs) if m is model]
        named = {f"n{i}": Count("pk", filter=_condition(lookups)) for i, lookups in indexed}
        counts |= of_disruption(model._default_manager.all(), root_id).aggregate(**named)
    return [
        Figure(label, counts[f"n{i}"], disruption_list_url(model, root_id, **lookups))
        for i, (label, model, lookups) in enumerate(specs)
    ]


def _passengers(root: Event) -> Figure:
    """Everyone booked on the disrupted flight when it happened (the flight's page lists them)."""
    if root.flight_id is None:
        return Figure("passengers booked", 0, "")
    booked = passengers_on_flight(root.flight_id, as_of=root.occurred_at).count()
    url = reverse("admin:flights_flight_change", args=[root.flight_id])
    return Figure("passengers booked", booked, url)


def summary_of(root_id: uuid.UUID) -> DisruptionSummary:
    """The disruption whose root event is ``root_id``: headline, statuses, figures and duties."""
    root = with_flow_counts(Event.objects.select_related("flight__origin")).get(pk=root_id)
    business = business_statuses([root.id])[root.id]
    return DisruptionSummary(
        root=root,
        headline=headline(root, business),
        flow_status=status_of_annotated(root),
        business_status=business,
        figures=[_passengers(root), *_counted(root.id, _ROW_FIGURES)],
        duties=_counted(root.id, _DUTY_FIGURES),
    )
