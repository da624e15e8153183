"""What the hub benchmark checks after a run: every flow accounted for, no effect lost or done twice.

Each check is one SQL query (or one pass over what the local email and SMS gateways received), so it can be
rerun by hand against the benchmark database. Needs Django set up.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from django.db import connection
from django.db.models import Count

from events.leasing import LeaseStatus
from events.models import Delivery, Event
from events.selectors import status_of_annotated, with_flow_counts
from notifications.models import PartnerMessage, PassengerMessage

if TYPE_CHECKING:
    from bench.hub_processes import EmailGateway, PartnerInbox

# Effects the database must hold at most once per key: (label, table, key columns).
ONCE_PER_KEY = [
    ("meal vouchers per passenger and flight", "vouchers_mealvoucher", "passenger_id, flight_id"),
    ("hotel stays per passenger and night", "lodging_hotelstay", "passenger_id, night"),
    ("reaccommodations per event and booking", "rebooking_reaccommodation", "event_id, booking_id"),
    ("compensation entitlements per passenger and journey", "compensation_entitlement", "passenger_id, booking_id"),
    ("partner messages per event, flight and kind", "notifications_partnermessage", "event_id, flight_id, kind"),
    ("passenger messages per change and channel", "notifications_passengermessage",
     "passenger_id, event_id, kind, channel"),
    ("active segments per booking and position", "passengers_segment WHERE status = 'active'", "booking_id, position"),
    ("deliveries per event and subscriber", "events_delivery", "event_id, subscriber"),
]  # fmt: skip

# Passengers holding an active seat, per flight and cabin; with the flights' counters, what inventory holds.
SEATED = """
    SELECT s.flight_id, s.cabin, count(*) FROM passengers_segment s
    JOIN passengers_passenger p ON p.booking_id = s.booking_id
    WHERE s.status = 'active' GROUP BY s.flight_id, s.cabin
"""
COUNTERS = "SELECT id, booked_f, booked_j, booked_y FROM flights_flight"


def _rows(sql: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


def unaccounted_seats() -> dict[tuple[int, str], int]:
    """Per flight and cabin, the seats its counter holds beyond the passengers seated on it (ROADEF's
    counters include passengers outside the scenario's bookings, so only a change of this is a drift)."""
    seated = {(flight, cabin): n for flight, cabin, n in _rows(SEATED)}
    return {
        (flight, cabin): booked - seated.get((flight, cabin), 0)
        for flight, *counters in _rows(COUNTERS)
        for cabin, booked in zip("FJY", counters, strict=True)
        if booked or (flight, cabin) in seated
    }


def duplicated_rows() -> dict[str, int]:
    """For each effect, how many keys hold it more than once."""
    return {
        label: _rows(f"SELECT count(*) FROM (SELECT 1 FROM {table} GROUP BY {key} HAVING count(*) > 1) AS twice")[0][0]  # noqa: S608 - constants
        for label, table, key in ONCE_PER_KEY
    }


@dataclass(frozen=True)
class EmailCounts:
    """What the email gateway received, against the email messages the database holds as sent."""

    delivered: int  # emails the gateway delivered (one per idempotency key)
    twice: int  # of them, repeating a Message-ID delivered before
    absorbed: int  # requests repeating a key already delivered: answered, not delivered again
    unaccounted: int  # delivered beyond the email messages ``done`` (a key that changed between sends)


def email_sends(gateway: EmailGateway) -> EmailCounts:
    """Count what the gateway delivered and absorbed, and compare it with the email messages done."""
    delivered = Counter(message_id for _, message_id in gateway.delivered.values())
    done = PassengerMessage.objects.filter(channel="email", status=LeaseStatus.DONE).count()
    return EmailCounts(
        delivered=sum(delivered.values()),
        twice=sum(n - 1 for n in delivered.values()),
        absorbed=sum(n - 1 for n in gateway.requests.values()),
        unaccounted=max(0, sum(delivered.values()) - done),
    )


def sms_sends(path: Path) -> tuple[int, int]:
    """Text messages the file gateway wrote, and how many repeat a reference already sent."""
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    sent = Counter(json.loads(line)["reference"] for line in lines)
    return sum(sent.values()), sum(n - 1 for n in sent.values())


def flows(root_ids: list[object]) -> Counter[str]:
    """How many of the flows are completed, failed or still in progress."""
    return Counter(status_of_annotated(e) for e in with_flow_counts(Event.objects.filter(id__in=root_ids)))


def dead_deliveries() -> list[tuple[str, str, str]]:
    """Every dead delivery: subscriber, event type and its last error (what explains a failed flow)."""
    return [
        (d.subscriber, d.event.type, d.last_error.strip().splitlines()[-1] if d.last_error.strip() else "")
        for d in Delivery.objects.filter(status=LeaseStatus.DEAD).select_related("event")
    ]


def work_done_again() -> dict[str, int]:
    """How much the faults made the system redo: deliveries run more than once or sent to the broker again,
    partner and passenger messages attempted more than once."""
    delivered = _rows(
        "SELECT count(*) FILTER (WHERE attempts > 1), count(*) FILTER (WHERE dispatch_count > 1) FROM events_delivery"
    )[0]
    retried = _rows("SELECT count(*) FROM notifications_partnermessage WHERE attempts > 1")[0][0]
    resent = _rows("SELECT count(*) FROM notifications_passengermessage WHERE attempts > 1")[0][0]
    return {
        "deliveries run again": delivered[0],
        "deliveries sent again": delivered[1],
        "partner retries": retried,
        "passenger messages sent again": resent,
    }


def _statuses(model: type[PartnerMessage | PassengerMessage]) -> dict[str, int]:
    return dict(model.objects.values_list("status").annotate(n=Count("id")).order_by())


@dataclass(frozen=True)
class Findings:
    """Everything the audit checks, read once after a run: ``bench/hub.py`` prints it line by line,
    ``bench/soak.py`` adds it up (``counts``)."""

    flows: Counter[str]
    redone: dict[str, int]
    dead: list[tuple[str, str, str]]
    held_twice: dict[str, int]
    seats_drifted: int
    emails: EmailCounts
    texts: tuple[int, int]  # sent, of them a reference sent before
    partner_messages: dict[str, int]  # by status
    passenger_messages: dict[str, int]  # by status
    acknowledged: Counter[str] | None  # the partner inbox's acknowledgements per idempotency key
    refused: int  # requests the partner inbox answered 503

    @property
    def acknowledged_twice(self) -> int:
        return sum(1 for n in (self.acknowledged or {}).values() if n > 1)

    def counts(self) -> dict[str, int]:
        """Lost: flows not completed, messages given up, partner messages marked sent that the partner never
        acknowledged; duplicated: effects held twice and messages sent twice (emails as the gateway delivered
        them, and any it delivered beyond the email messages done); apart, the email requests the gateway
        absorbed by their idempotency key."""
        unacknowledged = 0
        if self.acknowledged is not None:
            unacknowledged = max(0, self.partner_messages.get(LeaseStatus.DONE, 0) - len(self.acknowledged))
        given_up = self.partner_messages.get(LeaseStatus.DEAD, 0) + self.passenger_messages.get(LeaseStatus.DEAD, 0)
        held_twice = sum(self.held_twice.values())
        sent_twice = self.emails.twice + self.emails.unaccounted + self.texts[1] + self.acknowledged_twice
        return {
            "lost": sum(n for status, n in self.flows.items() if status != "completed") + given_up + unacknowledged,
            "duplicated": held_twice + sent_twice,
            "dead deliveries": len(self.dead),
            "effects held twice": held_twice,
            "messages sent twice": sent_twice,
            "email repeats absorbed": self.emails.absorbed,
            "seat counters drifted": self.seats_drifted,
        }


def findings(
    roots: list[object], seats_before: dict, gateway: EmailGateway, sms: Path, inbox: PartnerInbox | None
) -> Findings:
    """The audit of the flows of ``roots``, against the seat counters as they were before (``seats_before``,
    from ``unaccounted_seats``), the emails the ``gateway`` received, the texts written to ``sms``, and the
    partner inbox."""
    seats_after = unaccounted_seats()
    return Findings(
        flows=flows(roots),
        redone=work_done_again(),
        dead=dead_deliveries(),
        held_twice=duplicated_rows(),
        seats_drifted=sum(1 for key, n in seats_after.items() if n != seats_before.get(key, 0)),
        emails=email_sends(gateway),
        texts=sms_sends(sms),
        partner_messages=_statuses(PartnerMessage),
        passenger_messages=_statuses(PassengerMessage),
        acknowledged=Counter(inbox.acknowledged) if inbox else None,
        refused=inbox.refused if inbox else 0,
    )
