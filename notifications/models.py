"""Messages to partner airlines (with every delivery attempt), to passengers, and the partner sandbox's inbox."""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone

from events.leasing import LeasedWork, LeaseStatus, open_work_index, valid_status
from flights.models import Airline


class Partner(Airline):
    """A partner airline (``own=False``) as notifications sees it: an endpoint and a signing secret."""

    class Meta:
        proxy = True
        verbose_name = "partner airline"


class PartnerMessageKind(models.TextChoices):
    INBOUND_DELAY = "inbound_delay", "Inbound delay"
    REBOOKED_IN = "rebooked_in", "Rebooked in"
    REBOOKED_OUT = "rebooked_out", "Rebooked out"


PartnerMessageStatus = LeaseStatus  # the one set of statuses of leased work


class PartnerMessage(LeasedWork):
    """One signed message to a partner about one of its flights, caused by one event.

    ``body`` is built once: every attempt sends the same bytes with the same ``Idempotency-Key`` (the id).
    Sending is leased work (events.leasing): ``done`` once the partner answered 2xx, ``failed`` while it
    will be retried, ``dead`` when the attempts ran out or the partner refused it (``last_error`` says why).
    """

    id = models.UUIDField("message id", primary_key=True, default=uuid.uuid4, editable=False)
    event = models.ForeignKey("events.Event", on_delete=models.CASCADE, related_name="partner_messages")
    partner = models.ForeignKey(Airline, on_delete=models.CASCADE, related_name="partner_messages")
    flight = models.ForeignKey("flights.Flight", on_delete=models.CASCADE, related_name="partner_messages")
    kind = models.CharField(max_length=16, choices=PartnerMessageKind.choices)
    passenger_refs = models.JSONField(default=list, help_text="Passenger ids the message lists.")
    body = models.TextField(help_text="The exact JSON sent (ASCII), signed as its UTF-8 bytes.")
    attempt_limit = models.PositiveSmallIntegerField(help_text="Attempts allowed in all; a resend raises it.")

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "flight", "kind"], name="partnermessage_unique_event_flight_kind"),
            valid_status("partnermessage_status_valid"),
        ]
        indexes = [open_work_index("partnermessage_open_idx")]  # the sweep's scan

    def __str__(self) -> str:
        return f"{self.kind} → {self.partner_id} {self.flight_id} [{self.status}]"

    @property
    def idempotency_key(self) -> str:
        return str(self.id)


class PartnerMessageAttempt(models.Model):
    """One HTTP attempt to deliver a partner message."""

    message = models.ForeignKey(PartnerMessage, on_delete=models.CASCADE, related_name="attempt_log")
    number = models.PositiveSmallIntegerField()
    started_at = models.DateTimeField(default=timezone.now)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    latency_ms = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["message", "number", "id"]

    def __str__(self) -> str:
        return f"#{self.number} {self.status_code or self.error[:40]}"


class SandboxDelivery(models.Model):
    """What the built-in partner inbox received (one row per Idempotency-Key with a valid signature)."""

    partner = models.ForeignKey(Airline, on_delete=models.CASCADE, related_name="sandbox_deliveries")
    idempotency_key = models.CharField(max_length=100, blank=True)
    kind = models.CharField(max_length=32, blank=True)
    body = models.TextField()
    signature_valid = models.BooleanField()
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-received_at"]
        verbose_name_plural = "sandbox deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "idempotency_key"],
                condition=Q(signature_valid=True),
                name="sandboxdelivery_unique_valid_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partner_id} {self.kind} {self.idempotency_key}"


class PassengerMessageKind(models.TextChoices):
    DELAY = "delay", "Delay"
    CANCELLATION = "cancellation", "Cancellation"
    GATE_CHANGE = "gate_change", "Gate change"
    VOUCHER = "voucher", "Meal voucher"
    HOTEL = "hotel", "Hotel"
    NEW_ITINERARY = "new_itinerary", "New itinerary"
    REFUND_OPTION = "refund_option", "Refund option"
    RIGHTS_NOTICE = "rights_notice", "Notice of rights"
    ACCEPT_CONFIRMATION = "accept_confirmation", "Itinerary accepted"
    DECLINE_CONFIRMATION = "decline_confirmation", "Itinerary declined"
    REFUND_CONFIRMATION = "refund_confirmation", "Refund confirmed"


class Channel(models.TextChoices):
    EMAIL = "email", "Email"
    SMS = "sms", "SMS"


PassengerMessageStatus = LeaseStatus  # the one set of statuses of leased work


class PassengerMessage(LeasedWork):
    """One passenger told of one change on one channel; ``context`` holds the passenger's own facts.

    One per passenger, event, kind and channel; a notice of rights, once per passenger, flight and channel
    (a later, longer delay of the flight sends no second one), counted apart for drills: ``drill`` copies the
    event's, so a drill's notice never stands for the one a real disruption owes, nor a real one for a drill's.

    Sending is leased work (events.leasing), claimed in batches: ``done`` once the gateway took it, ``dead``
    when it refused it (an operator sends it again). It is never ``failed``: a gateway error is not retried
    by itself. A batch whose worker died is sent again by the sweep once its lease expires.
    """

    passenger = models.ForeignKey("passengers.Passenger", on_delete=models.CASCADE, related_name="messages")
    event = models.ForeignKey("events.Event", on_delete=models.CASCADE, related_name="passenger_messages")
    flight = models.ForeignKey(
        "flights.Flight",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="passenger_messages",
        help_text="The disrupted flight the message is about.",
    )
    kind = models.CharField(max_length=32, choices=PassengerMessageKind.choices)
    channel = models.CharField(max_length=8, choices=Channel.choices)
    recipient = models.CharField(max_length=254, help_text="The address or number at the time of the change.")
    context = models.JSONField(default=dict, blank=True)
    drill = models.BooleanField(default=False, help_text="Written for a drill's flow (its event's drill).")
    gateway_batch = models.CharField(
        max_length=120,
        blank=True,
        default="",
        help_text="The email gateway batch the email is sent in, also the batch's Idempotency-Key: fixed when the "
        "message is written, so every attempt sends the same emails together (empty: sent on its own).",
    )

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["passenger", "event", "kind", "channel"], name="passengermessage_unique_change_channel"
            ),
            models.UniqueConstraint(
                fields=["passenger", "flight", "channel", "drill"],
                condition=Q(kind=PassengerMessageKind.RIGHTS_NOTICE),
                name="passengermessage_one_rights_notice_per_flight",
            ),
            models.CheckConstraint(
                condition=~Q(kind=PassengerMessageKind.RIGHTS_NOTICE) | Q(flight__isnull=False),
                name="passengermessage_rights_notice_has_flight",
            ),
            valid_status("passengermessage_status_valid"),
        ]
        indexes = [models.Index(fields=["gateway_batch"], name="passengermessage_batch_idx")]  # a claim's batch mates

    def __str__(self) -> str:
        return f"{self.kind} → {self.passenger_id} by {self.channel} [{self.status}]"
