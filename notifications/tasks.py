"""Celery tasks of notifications (thin: ids in, the delivery modules do the work)."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from . import partner_delivery, passenger_delivery


@shared_task(name="notifications.send_partner_message", acks_late=True, ignore_result=True)
def send_partner_message(message_id: str) -> str:
    """One attempt to deliver a partner message (it schedules its own retry)."""
    return partner_delivery.send(message_id).status


@shared_task(name="notifications.sweep_partner_messages", acks_late=True, ignore_result=True)
def sweep_partner_messages() -> int:
    """Send the partner messages whose send or retry the broker did not carry, or whose worker died (beat)."""
    due = partner_delivery.due_for_sweep(settings.PARTNER_SWEEP_BATCH)
    for message_id in due:
        send_partner_message.delay(str(message_id))
    return len(due)


@shared_task(name="notifications.send_passenger_messages", acks_late=True, ignore_result=True)
def send_passenger_messages(message_ids: list[int]) -> dict[str, int]:
    """Send one batch of passenger messages."""
    return passenger_delivery.send_batch([int(i) for i in message_ids])


@shared_task(name="notifications.sweep_passenger_messages", acks_late=True, ignore_result=True)
def sweep_passenger_messages() -> int:
    """Send, in batches, the passenger messages whose send task was lost or whose worker died (beat, periodic)."""
    due = passenger_delivery.due_for_sweep()
    send_in_batches(due)
    return len(due)


def send_in_batches(message_ids: list[int]) -> None:
    """Queue one ``send_passenger_messages`` task per ``PASSENGER_MESSAGE_BATCH`` messages."""
    size = settings.PASSENGER_MESSAGE_BATCH
    for start in range(0, len(message_ids), size):
        send_passenger_messages.delay(message_ids[start : start + size])
