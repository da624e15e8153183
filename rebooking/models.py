"""Reaccommodation cases: one per booking per disruption, with the old and new journeys, and refunds."""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class Cause(models.TextChoices):
    CANCELLED = "cancelled", "Flight cancelled"
    MISCONNECT = "misconnect", "Missed connection"
    REFUND = "refund", "Refund chosen (no reaccommodation was made)"


class CaseStatus(models.TextChoices):
    REBOOKED = "rebooked", "Rebooked (new itinerary holds seats)"
    UNPROTECTED = "unprotected", "Unprotected (an operator must act)"
    ACCEPTED = "accepted", "Accepted by the passenger"
    DECLINED = "declined", "Declined by the passenger"
    REFUNDED = "refunded", "Refunded"


class Reaccommodation(models.Model):
    """What rebooking decided for one booking disrupted by one event, and what the passengers chose.

    ``old``/``new`` are whole journeys: lists of ``{"flight_id", "flight", "cabin"}`` in travel order. A
    passenger of a disrupted flight who needed no reaccommodation (or chose before rebooking ran) and asks
    for a refund gets a case of cause ``refund``, status ``refunded`` and no ``new`` journey. Whether a refund
    may be chosen is not stored: it follows the disrupted flight as it is now (``rebooking.refund_right``).
    """

    event = models.ForeignKey("events.Event", on_delete=models.CASCADE, related_name="reaccommodations")
    booking = models.ForeignKey("passengers.Booking", on_delete=models.CASCADE, related_name="reaccommodations")
    disrupted_flight = models.ForeignKey("flights.Flight", on_delete=models.CASCADE, related_name="+")
    cause = models.CharField(max_length=12, choices=Cause.choices)
    status = models.CharField(max_length=12, choices=CaseStatus.choices)
    priority_class = models.PositiveSmallIntegerField()
    disruption_airport = models.ForeignKey("flights.Airport", on_delete=models.PROTECT, related_name="+")
    available_from = models.DateTimeField()
    old = models.JSONField()
    new = models.JSONField(default=list, blank=True)
    arrival_delay_minutes = models.IntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True, help_text="When the passenger or an operator chose.")
    decided_by = models.CharField(max_length=150, blank=True, help_text="'passenger' or the operator's username.")

    class Meta:
        ordering = ["-created_at", "priority_class"]
        constraints = [
            models.UniqueConstraint(fields=["event", "booking"], name="reaccommodation_once_per_event"),
            models.CheckConstraint(
                condition=Q(priority_class__gte=1, priority_class__lte=6), name="reaccommodation_priority_range"
            ),
        ]
        indexes = [models.Index(fields=["status"], name="reaccommodation_status_idx")]

    def __str__(self) -> str:
        return f"{self.booking_id} after {self.event_id}: {self.status}"
