"""A test-only effect table: what test subscribers did, one row per (event, subscriber)."""

from django.db import models


class Effect(models.Model):
    event = models.ForeignKey("events.Event", on_delete=models.CASCADE)
    subscriber = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["event", "subscriber"], name="effect_once")]

    def __str__(self) -> str:
        return f"{self.subscriber} on {self.event_id}"
