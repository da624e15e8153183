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
