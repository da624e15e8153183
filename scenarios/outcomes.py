"""The outcome document (contract: outcomes.schema.json): what happened to every passenger.

Each section is built by its own function; a feature that produces a section's
facts replaces that function's body. Until then a section is an empty list.

Drill effects (ADR 11) are left out of every section unless asked for: the disruptions a drill injected and
every row derived from their flows.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from compensation.outcomes import compensation_section
from events.scopes import RowScope, every_row
from events.selectors import disruptions as disruption_events
from events.selectors import flow_deliveries, status_of_annotated
from lodging.outcomes import hotel_stays_section
from notifications.outcomes import partner_messages_section, passenger_messages_section
from operations.drill_rows import without_drills
from operations.outcomes import duties_section
from operations.selectors import business_statuses
from rebooking.outcomes import reaccommodations_section
from vouchers.outcomes import meal_vouchers_section

FORMAT = "airline-disruption-outcomes/1"

Section = list[dict[str, Any]]


def disruptions(scope: RowScope = every_row) -> Section:
    """Every disruption (root flight event) in ``scope`` with when it happened, its flow's deliveries and status,
    and its business status (POLICY.md "Duties").

    ``occurred_at`` is ISO 8601 with its offset; ``deliveries`` covers the chained events too, each naming the
    event type it handled.
    """
    events = list(scope(disruption_events()).filter(type__startswith="flight.").order_by("occurred_at"))
    deliveries = flow_deliveries([e.id for e in events])
    business = business_statuses(e.id for e in events)
    return [
        {
            "event_id": str(event.id),
            "type": event.type,
            "flight": event.payload["flight"],
            "delay_minutes": event.payload.get("delay_minutes"),
            "reason": event.payload.get("reason"),
            "status": status_of_annotated(event),
            "occurred_at": event.occurred_at.isoformat(),
            "business_status": business[event.id],
            "deliveries": [
                {"subscriber": d.subscriber, "event": d.event.type, "status": d.status, "attempts": d.attempts}
                for d in deliveries[event.id]
            ],
        }
        for event in events
    ]


SECTIONS: dict[str, Callable[[RowScope], Section]] = {
    "disruptions": disruptions,
    "reaccommodations": reaccommodations_section,
    "meal_vouchers": meal_vouchers_section,
    "hotel_stays": hotel_stays_section,
    "compensation": compensation_section,
    "partner_messages": partner_messages_section,
    "passenger_messages": passenger_messages_section,
    "duties": duties_section,
}


def build_outcomes(*, include_drills: bool = False) -> dict[str, Any]:
    """The whole outcome document, every section present; drill effects only with ``include_drills``."""
    scope: RowScope = every_row if include_drills else without_drills
    return {"format": FORMAT, **{name: build(scope) for name, build in SECTIONS.items()}}
