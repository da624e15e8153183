"""Airlines, airports and flights, with their invariants held by the database."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.db import models
from django.db.models import F, Q

from .designators import Designator, FlightRef
from .secret_field import EncryptedSecretField

CABINS_HIGHEST_FIRST = ("F", "J", "Y")
"""Cabins as flights list them, highest first."""


class Cabin(models.TextChoices):
    FIRST = "F", "First"
    BUSINESS = "J", "Business"
    ECONOMY = "Y", "Economy"


class Airline(models.Model):
    """The system's own airline(s) and partner airlines, keyed by IATA code."""

    code = models.CharField(max_length=2, primary_key=True)
    name = models.CharField(max_length=100)
    own = models.BooleanField(default=False, help_text="Operated by this system's airline.")
    endpoint = models.URLField(blank=True, help_text="Partner message endpoint (http/https).")
    secret = EncryptedSecretField(
        max_length=200, blank=True, help_text="HMAC secret for partner messages (encrypted in the database)."
    )
    country = models.CharField(
        max_length=2,
        blank=True,
        help_text="State of licence (ISO 3166-1 alpha-2); it decides where EU261 or UK261 applies. "
        "Empty: licensed neither in the EU/EEA/CH nor in GB.",
    )

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=Q(code__regex=r"^[A-Z0-9]{2}$"), name="airline_code_format"),
            models.CheckConstraint(condition=Q(country__regex=r"^([A-Z]{2})?$"), name="airline_country_format"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Airport(models.Model):
    """An airport, keyed by IATA code, with the facts rules need (timezone, coordinates, MCT)."""

    code = models.CharField(max_length=3, primary_key=True)
    name = models.CharField(max_length=200)
    country = models.CharField(max_length=2, help_text="ISO 3166-1 alpha-2")
    timezone = models.CharField(max_length=64, help_text="IANA timezone, e.g. Europe/London")
    latitude = models.FloatField()
    longitude = models.FloatField()
    min_connection_minutes = models.PositiveSmallIntegerField(default=60)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=Q(code__regex=r"^[A-Z]{3}$"), name="airport_code_format"),
            models.CheckConstraint(condition=Q(latitude__gte=-90, latitude__lte=90), name="airport_latitude_range"),
            models.CheckConstraint(
                condition=Q(longitude__gte=-180, longitude__lte=180), name="airport_longitude_range"
            ),
            models.CheckConstraint(condition=Q(min_connection_minutes__lte=1440), name="airport_min_connection_range"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def tzinfo(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


class FlightStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    DELAYED = "delayed", "Delayed"
    CANCELLED = "cancelled", "Cancelled"


class Flight(models.Model):
    """One flight on one service date (the local date of its scheduled departure at the origin).

    Times are stored in UTC. ``seats_*`` are the capacities per cabin, ``booked_*``
    the seats held; the database refuses a cabin sold beyond its capacity.
    """

    carrier = models.ForeignKey(Airline, on_delete=models.PROTECT, related_name="flights")
    number = models.CharField(max_length=5, help_text="1-4 digits and an optional suffix letter, no leading zeros")
    service_date = models.DateField()
    origin = models.ForeignKey(Airport, on_delete=models.PROTECT, related_name="departures")
    destination = models.ForeignKey(Airport, on_delete=models.PROTECT, related_name="arrivals")
    scheduled_departure = models.DateTimeField()
    scheduled_arrival = models.DateTimeField()
    estimated_departure = models.DateTimeField()
    estimated_arrival = models.DateTimeField()
    status = models.CharField(max_length=16, choices=FlightStatus.choices, default=FlightStatus.SCHEDULED)
    delay_reason = models.CharField(max_length=16, blank=True)
    terminal = models.CharField(max_length=8, blank=True)
    gate = models.CharField(max_length=8, blank=True)
    seats_f = models.PositiveIntegerField(default=0)
    seats_j = models.PositiveIntegerField(default=0)
    seats_y = models.PositiveIntegerField(default=0)
    booked_f = models.PositiveIntegerField(default=0)
    booked_j = models.PositiveIntegerField(default=0)
    booked_y = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["scheduled_departure", "carrier_id", "number"]
        permissions = [("disrupt_flight", "Can delay, cancel or change the gate of a flight")]
        constraints = [
            models.UniqueConstraint(fields=["carrier", "number", "service_date"], name="flight_unique_designator_date"),
            models.CheckConstraint(condition=Q(number__regex=r"^[1-9][0-9]{0,3}[A-Z]?$"), name="flight_number_format"),
            models.CheckConstraint(condition=~Q(origin=F("destination")), name="flight_origin_not_destination"),
            models.CheckConstraint(
                condition=Q(scheduled_arrival__gt=F("scheduled_departure")), name="flight_arrives_after_departure"
            ),
            models.CheckConstraint(
                condition=Q(estimated_arrival__gt=F("estimated_departure")), name="flight_estimated_arrives_after"
            ),
            models.CheckConstraint(
                condition=Q(seats_f__gte=0, seats_j__gte=0, seats_y__gte=0), name="flight_seats_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(booked_f__lte=F("seats_f"), booked_j__lte=F("seats_j"), booked_y__lte=F("seats_y")),
                name="flight_cabin_not_oversold",
            ),
        ]
        indexes = [
            models.Index(fields=["service_date", "origin"], name="flight_date_origin_idx"),
            models.Index(fields=["origin", "estimated_departure"], name="flight_origin_departure_idx"),
            models.Index(fields=["status"], name="flight_status_idx"),
        ]

    def __str__(self) -> str:
        return str(self.ref)

    @property
    def designator(self) -> Designator:
        return self.ref.designator

    @property
    def ref(self) -> FlightRef:
        return FlightRef.of(self.carrier_id, self.number, self.service_date)

    @property
    def delay_minutes(self) -> int:
        """Departure delay against the schedule, in whole minutes."""
        return int((self.estimated_departure - self.scheduled_departure).total_seconds() // 60)

    def seats(self, cabin: str) -> int:
        return getattr(self, f"seats_{cabin.lower()}")

    def booked(self, cabin: str) -> int:
        return getattr(self, f"booked_{cabin.lower()}")

    def local_departure(self) -> dt.datetime:
        """The scheduled departure in the origin's local time."""
        return self.scheduled_departure.astimezone(ZoneInfo(self.origin.timezone))


class DrillVerdict(models.TextChoices):
    REFUSED = "refused", "Refused"
    RUNNING = "running", "Running"
    PASSED = "passed", "Passed"
    NEEDS_ACTION = "needs_action", "Needs action (left to operators by the policy)"
    FAILED = "failed", "Failed"


class DrillRun(models.Model):
    """One tick of a scheduled delay drill, keyed by its schedule slot so a tick sent twice injects once.

    It records what it injected (``roots``, the disruptions it published) and what it expected (every
    delivery of their flows done and every duty met, or left to operators by the policy, within
    ``time_limit_seconds``); ``flights.judge_drills`` gives the verdict. A drill's restore is a run of its own
    (``restore_of``), judged the same way.
    """

    name = models.CharField(max_length=200, help_text="The periodic task's name.")
    slot = models.BigIntegerField(help_text="The tick's scheduled time, as whole seconds since the epoch.")
    ran_at = models.DateTimeField(auto_now_add=True)
    delayed = models.PositiveIntegerField(default=0)
    roots = models.ManyToManyField("events.Event", blank=True, related_name="drill_runs")
    verdict = models.CharField(max_length=12, choices=DrillVerdict.choices, default=DrillVerdict.RUNNING)
    reason = models.TextField(blank=True, help_text="Why the drill was refused, failed or needs action.")
    time_limit_seconds = models.PositiveIntegerField(default=900)
    restore = models.BooleanField(default=False, help_text="Put the delayed flights back on schedule once judged.")
    judged_at = models.DateTimeField(null=True, blank=True)
    figures = models.JSONField(
        default=dict, blank=True, help_text="Per subscriber: deliveries, dead, seconds; open duties per kind."
    )
    restore_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="restores",
        help_text="The drill run whose flights this run put back on schedule.",
    )  # fmt: skip

    class Meta:
        ordering = ["-ran_at"]
        constraints = [models.UniqueConstraint(fields=["name", "slot"], name="drill_run_once_per_slot")]
        indexes = [models.Index(fields=["verdict"], name="drillrun_verdict_idx")]

    def __str__(self) -> str:
        return f"{self.name} @ {self.slot}: {self.delayed} delayed, {self.verdict}"
