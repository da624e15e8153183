"""Hotels near airports and their room inventory per night."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q

from flights.models import Airport


class Hotel(models.Model):
    """A hotel serving an airport; operators rank them (1 is filled first)."""

    code = models.CharField(max_length=16, unique=True)
    airport = models.ForeignKey(Airport, on_delete=models.PROTECT, related_name="hotels")
    name = models.CharField(max_length=200)
    rank = models.PositiveSmallIntegerField(default=1, help_text="Filling order at the airport: 1 first.")

    class Meta:
        ordering = ["airport_id", "rank", "code"]
        constraints = [models.CheckConstraint(condition=Q(code__regex=r"^[A-Z0-9-]{1,16}$"), name="hotel_code_format")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class RoomNight(models.Model):
    """Rooms of a hotel for one night (the night that begins that evening, local time)."""

    hotel = models.ForeignKey(Hotel, on_delete=models.CASCADE, related_name="room_nights")
    night = models.DateField()
    rooms = models.PositiveIntegerField()
    rooms_used = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["hotel_id", "night"]
        constraints = [
            models.UniqueConstraint(fields=["hotel", "night"], name="room_night_unique"),
            models.CheckConstraint(condition=Q(rooms__gte=0, rooms_used__gte=0), name="room_night_not_negative"),
            models.CheckConstraint(condition=Q(rooms_used__lte=F("rooms")), name="room_night_not_oversold"),
        ]

    def __str__(self) -> str:
        return f"{self.hotel_id} {self.night}: {self.rooms_used}/{self.rooms}"

    @property
    def rooms_free(self) -> int:
        return self.rooms - self.rooms_used


class StayStatus(models.TextChoices):
    BOOKED = "booked", "Booked"
    UNACCOMMODATED = "unaccommodated", "Unaccommodated (no room left: an operator must act)"


class StayCause(models.TextChoices):
    DELAY = "delay", "Overnight delay at the origin"
    CANCELLATION = "cancellation", "Rebooked after a cancellation, departing a later day"
    MISCONNECT = "misconnect", "Stranded at a connection overnight"
    STRANDED = "stranded", "Stranded at a connection, not reaccommodated"


class HotelStay(models.Model):
    """One passenger's night at an airport after a disruption: in a hotel, or unaccommodated (hotel empty).

    Passengers of one booking share ``rooms`` in one hotel (the booking's rooms, recorded on each of its stays).
    """

    passenger = models.ForeignKey("passengers.Passenger", on_delete=models.CASCADE, related_name="hotel_stays")
    booking = models.ForeignKey("passengers.Booking", on_delete=models.CASCADE, related_name="hotel_stays")
    airport = models.ForeignKey(Airport, on_delete=models.PROTECT, related_name="+")
    night = models.DateField(help_text="The night that begins that evening, local time.")
    hotel = models.ForeignKey(Hotel, null=True, blank=True, on_delete=models.PROTECT, related_name="stays")
    rooms = models.PositiveSmallIntegerField(default=0, help_text="Rooms the booking holds in the hotel that night.")
    status = models.CharField(max_length=16, choices=StayStatus.choices)
    cause = models.CharField(max_length=12, choices=StayCause.choices)
    flight = models.ForeignKey(
        "flights.Flight", on_delete=models.CASCADE, related_name="hotel_stays", help_text="The disrupted flight."
    )
    booked_by = models.CharField(
        max_length=150, blank=True, help_text="The operator who booked the room by hand; empty when lodging did."
    )
    reference = models.CharField(max_length=64, blank=True, help_text="The hotel's confirmation (by hand).")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["night", "airport_id", "booking_id", "passenger_id"]
        constraints = [
            models.UniqueConstraint(fields=["passenger", "night"], name="hotel_stay_one_per_passenger_night"),
            models.CheckConstraint(
                condition=Q(status="booked", hotel__isnull=False, rooms__gte=1)
                | Q(status="unaccommodated", hotel__isnull=True, rooms=0),
                name="hotel_stay_booked_has_hotel",
            ),
        ]
        indexes = [models.Index(fields=["status", "night"], name="hotel_stay_status_night_idx")]

    def __str__(self) -> str:
        return f"{self.passenger_id} {self.night} {self.hotel_id or 'unaccommodated'}"


class UnaccommodatedManager(models.Manager["UnaccommodatedStay"]):
    def get_queryset(self) -> models.QuerySet[UnaccommodatedStay]:
        return super().get_queryset().filter(status=StayStatus.UNACCOMMODATED)


class UnaccommodatedStay(HotelStay):
    """The operators' queue: stays owed but without a room."""

    objects = UnaccommodatedManager()

    class Meta:
        proxy = True
        verbose_name = "unaccommodated stay"
