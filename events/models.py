"""The outbox (``Event``) and one ``Delivery`` per (event, subscriber)."""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone

from .contracts import EventFacts
from .leasing import LeasedWork, LeaseStatus, open_work_index, valid_status


class Event(models.Model):
    """Something that happened, written in the same transaction as the change that caused it.

    ``root`` is the disruption that started the chain (itself for a root event); its
    id is the correlation id carried through every task's logs.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    type = models.CharField(max_length=64)
    version = models.PositiveSmallIntegerField(default=1)
    payload = models.JSONField()
    flight = models.ForeignKey("flights.Flight", null=True, blank=True, on_delete=models.CASCADE, related_name="events")
    occurred_at = models.DateTimeField(default=timezone.now)
    caused_by = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="caused")
    root = models.ForeignKey("self", on_delete=models.CASCADE, related_name="flow_events")
    drill = models.BooleanField(default=False, help_text="Injected by a scheduled delay drill.")
    trace_context = models.CharField(
        max_length=55, blank=True, help_text="W3C traceparent of the publishing span: deliveries continue its trace."
    )

    class Meta:
        ordering = ["-occurred_at"]
        indexes = [
            models.Index(fields=["type", "-occurred_at"], name="event_type_time_idx"),
            models.Index(fields=["root"], name="event_root_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.payload.get('flight', '')} ({self.id})".replace(" ()", "")

    @property
    def is_root(self) -> bool:
        return self.root_id == self.id

    @property
    def facts(self) -> EventFacts:
        """The envelope subscribers and services see instead of this row."""
        return EventFacts(
            id=self.id, type=self.type, occurred_at=self.occurred_at, root_id=self.root_id, drill=self.drill
        )


DeliveryStatus = LeaseStatus  # the one set of statuses of leased work


class Delivery(LeasedWork):
    """One subscriber's handling of one event: ``pending → running → done | failed → … → dead`` (events.leasing)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.CharField(max_length=64)
    queue = models.CharField(max_length=64)
    dispatched_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Last sent to the broker (or marked sent by the transaction whose commit sends it).",
    )
    dispatch_count = models.PositiveSmallIntegerField(default=0)
    task_id = models.CharField(max_length=64, blank=True)
    result = models.JSONField(default=dict, blank=True, help_text="What the handler produced (counts).")

    class Meta:
        ordering = ["created_at", "subscriber"]
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(fields=["event", "subscriber"], name="delivery_unique_event_subscriber"),
            valid_status("delivery_status_valid"),
        ]
        indexes = [
            open_work_index("delivery_open_idx"),  # the relay's scan
            # what a run takes along (events.runner): never-attempted deliveries of a queue, oldest first
            models.Index(
                fields=["queue", "id"], name="delivery_waiting_idx", condition=Q(status="pending", attempts=0)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subscriber} ← {self.event_id} [{self.status}]"

    @property
    def duration_seconds(self) -> float | None:
        if self.started_at and self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None
