"""Duties: what each disruption owes each passenger, and whether it was met (POLICY.md "Duties", ADR 7)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from rights.duties import DutyKind, DutyStatus

KIND_CHOICES = [(kind.value, kind.value.replace("_", " ")) for kind in DutyKind]
STATUS_CHOICES = [(status.value, status.value) for status in DutyStatus]


class Duty(models.Model):
    """One thing a disruption (its root event) owes one passenger: ``open`` until the subscriber's own event
    meets it, or an operator waives it with a reason. Overdue once ``due`` has passed while open."""

    root = models.ForeignKey("events.Event", on_delete=models.CASCADE, related_name="duties")
    flight = models.ForeignKey("flights.Flight", on_delete=models.CASCADE, related_name="duties")
    passenger = models.ForeignKey("passengers.Passenger", on_delete=models.CASCADE, related_name="duties")
    kind = models.CharField(max_length=16, choices=KIND_CHOICES)
    status = models.CharField(max_length=8, choices=STATUS_CHOICES, default=DutyStatus.OPEN)
    due = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    met_at = models.DateTimeField(null=True, blank=True)
    met_by = models.ForeignKey(
        "events.Event", null=True, blank=True, on_delete=models.SET_NULL, related_name="met_duties",
        help_text="The subscriber's event that met the duty.",
    )  # fmt: skip
    overdue_since = models.DateTimeField(
        null=True, blank=True, help_text="Set by the overdue sweep when the duty was still open past its due time."
    )
    waived_at = models.DateTimeField(null=True, blank=True)
    waived_by = models.CharField(max_length=150, blank=True)
    waive_reason = models.TextField(blank=True)

    class Meta:
        verbose_name_plural = "duties"
        ordering = ["due", "kind", "passenger_id"]
        constraints = [
            models.UniqueConstraint(fields=["root", "passenger", "kind"], name="duty_once_per_disruption"),
            models.CheckConstraint(condition=Q(status__in=[s.value for s in DutyStatus]), name="duty_status_valid"),
            models.CheckConstraint(condition=Q(kind__in=[k.value for k in DutyKind]), name="duty_kind_valid"),
            models.CheckConstraint(
                condition=~Q(status=DutyStatus.WAIVED) | ~Q(waive_reason=""), name="duty_waived_with_a_reason"
            ),
        ]
        indexes = [
            models.Index(fields=["root", "status"], name="duty_root_status_idx"),
            models.Index(fields=["due"], name="duty_open_due_idx", condition=Q(status="open")),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.passenger_id} ({self.status})"
