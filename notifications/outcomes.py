"""The ``partner_messages`` and ``passenger_messages`` sections of the outcome document (one query each)."""

from __future__ import annotations

from typing import Any

from events.scopes import RowScope, every_row

from .models import PartnerMessage, PartnerMessageStatus, PassengerMessage, PassengerMessageStatus

# The outcome document's words (outcomes.schema.json) for the statuses of leased work; unfinished work
# (pending, running, failed: to be retried) is "pending" there.
_PARTNER_STATUS = {PartnerMessageStatus.DONE: "delivered", PartnerMessageStatus.DEAD: "dead"}
_PASSENGER_STATUS = {PassengerMessageStatus.DONE: "sent", PassengerMessageStatus.DEAD: "failed"}


def partner_messages_section(scope: RowScope = every_row) -> list[dict[str, Any]]:
    """Every message to a partner airline in ``scope`` and its delivery."""
    messages = (
        scope(PartnerMessage.objects.all())
        .select_related("flight")
        .order_by("created_at", "partner_id", "flight_id", "kind")
    )
    return [
        {
            "partner": message.partner_id,
            "kind": message.kind,
            "flight": str(message.flight.ref),
            "passengers": message.passenger_refs,
            "status": _PARTNER_STATUS.get(message.status, "pending"),
            "attempts": message.attempts,
        }
        for message in messages
    ]


def passenger_messages_section(scope: RowScope = every_row) -> list[dict[str, Any]]:
    """Every message to a passenger in ``scope`` and its delivery."""
    messages = scope(PassengerMessage.objects.all()).select_related("passenger").order_by("created_at", "id")
    return [
        {
            "passenger": m.passenger.ref,
            "channel": m.channel,
            "kind": m.kind,
            "status": _PASSENGER_STATUS.get(m.status, "pending"),
        }
        for m in messages
    ]
