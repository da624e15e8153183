"""Compensation entitlements: what each passenger is owed for one journey (booking), and why."""

from __future__ import annotations

from functools import reduce
from operator import or_

from django.db import models
from django.db.models import Q

from rights.bands import Band
from rights.compensation import Disruption
from rights.regime import CURRENCY, Regime


class Case(models.TextChoices):
    """What happened to the passenger's journey on the latest disruption that touched it (the rulebook's
    ``Disruption``)."""

    DELAYED = Disruption.DELAYED.value, "Delayed, not rerouted"
    MISSED_CONNECTION = Disruption.MISSED_CONNECTION.value, "Rerouted after a missed connection"
    CANCELLED = Disruption.CANCELLED.value, "Rerouted after a cancellation"
    CANCELLED_UNPROTECTED = Disruption.CANCELLED_UNPROTECTED.value, "Cancelled, not rerouted"
    MISSED_CONNECTION_UNPROTECTED = Disruption.MISSED_CONNECTION_UNPROTECTED.value, "Missed connection, not rerouted"
    CANCELLED_REFUNDED = Disruption.CANCELLED_REFUNDED.value, "Cancelled, refunded instead of rerouted"


class CompensationRegime(models.TextChoices):
    """The law a journey's compensation falls under (a journey under none has no record)."""

    EU261 = Regime.EU261.value, "EU261"
    UK261 = Regime.UK261.value, "UK261"


class EntitlementStatus(models.TextChoices):
    ELIGIBLE = "eligible", "Eligible"
    NOT_ELIGIBLE = "not_eligible", "Not eligible"
    PAID = "paid", "Paid"


class Entitlement(models.Model):
    """A passenger's compensation for one journey (booking), however many disruptions touched it: re-assessed
    (updated in place) by every later disruption of the journey until it is paid."""

    passenger = models.ForeignKey(
        "passengers.Passenger", on_delete=models.CASCADE, related_name="compensation_entitlements"
    )
    booking = models.ForeignKey(
        "passengers.Booking",
        on_delete=models.CASCADE,
        related_name="compensation_entitlements",
        help_text="The journey.",
    )
    flight = models.ForeignKey(
        "flights.Flight",
        on_delete=models.CASCADE,
        related_name="compensation_entitlements",
        help_text="The first disrupted flight of the journey.",
    )
    regime = models.CharField(
        max_length=5,
        choices=CompensationRegime.choices,
        help_text="The journey's law: its first flight's, or the disrupted flight's when that is none.",
    )
    case = models.CharField(max_length=32, choices=Case.choices)
    band = models.CharField(
        max_length=8, choices=[(b.value, b.value) for b in Band], help_text="Distance band of the whole journey."
    )
    reason_code = models.CharField(
        max_length=16, blank=True, help_text="The reason code of the latest disruption of the journey."
    )
    arrival_delay_minutes = models.IntegerField(
        null=True,
        blank=True,
        help_text="At the final destination, against the ticketed arrival; empty when not rerouted.",
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
            models.UniqueConstraint(fields=["passenger", "booking"], name="entitlement_one_per_passenger_journey"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="entitlement_amount_not_negative"),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in EntitlementStatus]), name="entitlement_status_valid"
            ),
            models.CheckConstraint(
                condition=reduce(or_, (Q(regime=regime.value, currency=code) for regime, code in CURRENCY.items())),
                name="entitlement_currency_of_regime",
            ),
        ]
        indexes = [models.Index(fields=["status"], name="entitlement_status_idx")]

    def __str__(self) -> str:
        return f"{self.passenger_id} on booking {self.booking_id}: {self.status} {self.amount} {self.currency}"
