"""Passengers, bookings (PNRs) and their ordered flight segments."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q

from flights.models import Cabin, Flight


class Tier(models.TextChoices):
    NONE = "none", "None"
    SILVER = "silver", "Silver"
    GOLD = "gold", "Gold"
    PLATINUM = "platinum", "Platinum"


class Booking(models.Model):
    """A booking (PNR): a party of passengers travelling the same segments."""

    locator = models.CharField(max_length=6, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["locator"]
        constraints = [
            models.CheckConstraint(condition=Q(locator__regex=r"^[A-Z0-9]{6}$"), name="booking_locator_format"),
        ]

    def __str__(self) -> str:
        return self.locator


class Passenger(models.Model):
    """A passenger of a booking; ``ref`` is the scenario's passenger id (e.g. ``QX7K2M-1``)."""

    ref = models.CharField("passenger id", max_length=32, unique=True)
    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="passengers")
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    email = models.CharField(max_length=254, blank=True)
    phone = models.CharField(max_length=32, blank=True)
    tier = models.CharField(max_length=8, choices=Tier.choices, default=Tier.NONE)
    assistance = models.JSONField(default=list, blank=True, help_text="IATA special-service codes, e.g. WCHR")

    class Meta:
        ordering = ["ref"]
        indexes = [models.Index(fields=["last_name"], name="passenger_last_name_idx")]

    def __str__(self) -> str:
        return f"{self.ref} {self.last_name.upper()}/{self.first_name.upper()}"


class SegmentStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    REPLACED = "replaced", "Replaced by rebooking"
    CANCELLED = "cancelled", "Cancelled"


class SegmentQuerySet(models.QuerySet["Segment"]):
    def end(self, status: str, at: dt.datetime) -> int:
        """Take these segments out of their journeys (``replaced`` or ``cancelled``) as of ``at``; returns how many."""
        return self.update(status=status, ended_at=at)


class Segment(models.Model):
    """One flight of a booking's journey, in travel order (``position`` from 1)."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="segments")
    position = models.PositiveSmallIntegerField()
    flight = models.ForeignKey(Flight, on_delete=models.PROTECT, related_name="segments")
    cabin = models.CharField(max_length=1, choices=Cabin.choices)
    status = models.CharField(max_length=10, choices=SegmentStatus.choices, default=SegmentStatus.ACTIVE)
    # When the segment joined and left the journey, so a subscriber can read the journey as it stood when its
    # event happened, whatever another subscriber of the same event has changed since. Empty ``added_at``: booked
    # before the scenario was loaded; empty ``ended_at``: still active.
    added_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    objects = SegmentQuerySet.as_manager()

    class Meta:
        ordering = ["booking_id", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["booking", "position"],
                condition=Q(status="active"),
                name="segment_unique_active_position",
            ),
            models.CheckConstraint(condition=Q(cabin__in=["F", "J", "Y"]), name="segment_cabin_valid"),
            models.CheckConstraint(condition=Q(position__gte=1), name="segment_position_from_one"),
        ]
        indexes = [models.Index(fields=["flight", "status"], name="segment_flight_status_idx")]

    def __str__(self) -> str:
        return f"{self.booking_id}#{self.position} {self.flight_id} {self.cabin}"
