"""Operators' view of partners, partner messages (with attempts, resendable), sandbox deliveries and
passenger messages. Secrets are never shown."""

from __future__ import annotations

import json
import uuid

from django import forms
from django.contrib import admin, messages
from django.core.validators import URLValidator
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

from flights.admin import AirlineForm
from operations.disruption_rows import RootFilter
from operations.drill_rows import DrillsFilter

from .models import Partner, PartnerMessage, PartnerMessageAttempt, PassengerMessage, SandboxDelivery
from .partner_http import post_signed
from .rendering import render
from .services import partners, passengers


class PartnerForm(AirlineForm):
    """A partner's endpoint must be http or https; its secret is write-only."""

    endpoint = forms.URLField(
        required=True, assume_scheme="https", validators=[URLValidator(schemes=["http", "https"])]
    )


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written by the system: viewed and acted on, never added or edited by hand."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_resend_permission(self, request: HttpRequest) -> bool:
        """Sending again is an operator's action: it needs the model's change permission."""
        opts = self.opts
        return request.user.has_perm(f"{opts.app_label}.change_{opts.model_name}")


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    form = PartnerForm
    fields = ("code", "name", "endpoint", "secret")
    list_display = ("code", "name", "endpoint", "has_secret")
    search_fields = ("^code", "name")
    actions = ["send_test_message"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Partner]:
        return super().get_queryset(request).filter(own=False)

    def get_readonly_fields(self, request: HttpRequest, obj: Partner | None = None) -> tuple[str, ...]:
        return ("code",) if obj is not None else ()

    @admin.display(boolean=True, description="secret set")
    def has_secret(self, partner: Partner) -> bool:
        return bool(partner.secret)

    @admin.action(description="Send a signed test message now", permissions=["change"])
    def send_test_message(self, request: HttpRequest, queryset: QuerySet[Partner]) -> None:
        for partner in queryset:
            message_id = str(uuid.uuid4())
            body = json.dumps(
                {"message_id": message_id, "kind": "test", "sent_at": timezone.now().isoformat(),
                 "operating_carrier": partner.code},
                separators=(",", ":"),
            )  # fmt: skip
            result = post_signed(partner.endpoint, body.encode(), idempotency_key=message_id, secret=partner.secret)
            ok = result.status_code is not None and 200 <= result.status_code < 300
            self.message_user(
                request,
                f"{partner.code}: {result.status_code or result.error} in {result.latency_ms} ms",
                messages.SUCCESS if ok else messages.ERROR,
            )


class AttemptInline(admin.TabularInline):
    model = PartnerMessageAttempt
    fields = ("number", "started_at", "status_code", "latency_ms", "error")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(PartnerMessage)
class PartnerMessageAdmin(ReadOnlyAdmin):
    list_display = ("id", "partner", "kind", "flight", "status", "attempts", "next_attempt_at", "created_at")
    list_filter = ("status", "kind", "partner", RootFilter, DrillsFilter)
    list_select_related = ("flight", "partner")
    search_fields = ("=id", "=partner__code")
    readonly_fields = ("passenger_refs", "body", "last_error")
    inlines = [AttemptInline]
    actions = ["resend"]

    @admin.action(description="Resend (failed or dead messages)", permissions=["resend"])
    def resend(self, request: HttpRequest, queryset: QuerySet[PartnerMessage]) -> None:
        for message in queryset:
            self.log_change(request, message, "Resent")
        count = partners.resend(list(queryset.values_list("id", flat=True)))
        self.message_user(request, f"{count} message(s) queued to send again.")


@admin.register(SandboxDelivery)
class SandboxDeliveryAdmin(ReadOnlyAdmin):
    list_display = ("received_at", "partner", "kind", "idempotency_key", "signature_valid")
    list_filter = ("partner", "kind", "signature_valid")
    search_fields = ("=idempotency_key",)


@admin.register(PassengerMessage)
class PassengerMessageAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "passenger", "flight", "kind", "channel", "recipient", "status", "finished_at")
    list_filter = ("kind", "channel", "status", RootFilter, DrillsFilter)
    list_select_related = ("passenger", "flight")
    search_fields = ("=passenger__ref", "passenger__last_name", "=passenger__booking__locator", "=kind")
    search_help_text = "Passenger id, last name, booking locator or kind (delay, voucher, …)."
    readonly_fields = ("text",)
    actions = ["resend"]

    @admin.display(description="text sent")
    def text(self, message: PassengerMessage) -> SafeString:
        """The subject and body as the passenger receives them (rendered as the sender renders them)."""
        sent = render(message)
        return format_html("<strong>{}</strong><pre style='white-space:pre-wrap'>{}</pre>", sent.subject, sent.body)

    @admin.action(description="Send dead messages again", permissions=["resend"])
    def resend(self, request: HttpRequest, queryset: QuerySet[PassengerMessage]) -> None:
        for message in queryset:
            self.log_change(request, message, "Resent")
        ids = passengers.send_again(queryset.values_list("id", flat=True))
        self.message_user(request, f"{len(ids)} message(s) queued to send again.")
