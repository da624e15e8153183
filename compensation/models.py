"""Compensation entitlements: what each passenger is owed for one disrupted flight, and why."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from rights.bands import Band
from rights.compensation import Disruption


class Case(models.TextChoices):
    """What happened to the passenger's journey (the rulebook's ``Disruption``, plus the unprotected misconnect)."""

    DELAYED = Disruption.DELAYED.value, "Delayed, not rerouted"
    MISSED_CONNECTION = Disruption.MISSED_CONNECTION.value, "Rerouted after a missed connection"
    CANCELLED = Disruption.CANCELLED.value, "Rerouted after a cancellation"
    CANCELLED_UNPROTECTED = Disruption.CANCELLED_UNPROTECTED.value, "Cancelled, not rerouted"
    MISSED_CONNECTION_UNPROTECTED = "missed_connection_unprotected", "Missed connection, not rerouted"


class EntitlementStatus(models.TextChoices):
    ELIGIBLE = "eligible", "Eligible"
    NOT_ELIGIBLE = "not_eligible", "Not eligible"
    PAID = "paid", "Paid"


class Entitlement(models.Model):
    """A passenger's compensation for one disrupted flight: re-assessed (updated in place) by every later event
    about the same passenger and flight until it is paid."""

    passenger = models.ForeignKey(
        "passengers.Passenger", on_delete=models.CASCADE, related_name="compensation_entitlements"
    )
    flight = models.ForeignKey(
        "flights.Flight",
        on_delete=models.CASCADE,
        related_name="compensation_entitlements",
        help_text="The disrupted flight.",
    )
    case = models.CharField(max_length=32, choices=Case.choices)
    band = models.CharField(
        max_length=8, choices=[(b.value, b.value) for b in Band], help_text="Distance band of the whole journey."
    )
    reason_code = models.CharField(max_length=16, blank=True, help_text="The disruption's reason code.")
    arrival_delay_minutes = models.IntegerField(
        null=True, blank=True, help_text="At the final destination; empty when not rerouted."
    )
    amount = models.DecimalField(max_digits=8, decimal_places=2)
    currency = models.CharField(max_length=3)
    status = models.CharField(max_length=12, choices=EntitlementStatus.choices)
    reason = models.TextField(help_text="The rule applied, as the rulebook words it.")
    event = models.ForeignKey(
        "events.Event", null=True, on_delete=models.SET_NULL, related_name="+", help_text="Last assessed on this event."
    )
    assessed_at = models.DateTimeField()
    paid_at = models.DateTimeField(null=True, blank=True)
    paid_by = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["flight_id", "passenger_id"]
        constraints = [
            models.UniqueConstraint(fields=["passenger", "flight"], name="entitlement_one_per_passenger_flight"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="entitlement_amount_not_negative"),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in EntitlementStatus]), name="entitlement_status_valid"
            ),
        ]
        indexes = [models.Index(fields=["status"], name="entitlement_status_idx")]

    def __str__(self) -> str:
        return f"{self.passenger_id} on {self.flight_id}: {self.status} {self.amount} {self.currency}"
