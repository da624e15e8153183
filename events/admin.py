"""Admin for the event backbone: every event with its flow status, deliveries and caused-by tree."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import F, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from observability.trace_links import trace_of
from operations.disruption_page import LIVE_TEMPLATE, live_context
from operations.disruption_rows import RootFilter
from operations.drill_rows import DrillsFilter

from .contracts import InvalidPayload, decode
from .leasing import RESENDABLE
from .models import Delivery, Event
from .selectors import COMPLETED, FAILED, IN_PROGRESS, status_of_annotated, with_flow_counts
from .services import redeliver

_STATUS_COLOURS = {COMPLETED: "#2e7d32", FAILED: "#c62828", IN_PROGRESS: "#ef6c00"}


class FlowStatusFilter(admin.SimpleListFilter):
    title = "flow status"
    parameter_name = "flow"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [(COMPLETED, "completed"), (IN_PROGRESS, "in progress"), (FAILED, "failed")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Event]) -> QuerySet[Event]:
        done = Q(flow_done=F("flow_total"))
        match self.value():
            case "completed":
                return queryset.filter(done)
            case "failed":
                return queryset.filter(~done, flow_dead__gt=0)
            case "in_progress":
                return queryset.filter(~done, flow_dead=0)
        return queryset


class DeliveryInline(admin.TabularInline):
    model = Delivery
    extra = 0
    can_delete = False
    fields = ["subscriber", "queue", "status", "attempts", "started_at", "finished_at", "duration", "result",
              "last_error", "task_id"]  # fmt: skip
    readonly_fields = fields
    ordering = ["subscriber"]

    @admin.display(description="duration (s)")
    def duration(self, delivery: Delivery) -> str:
        seconds = delivery.duration_seconds
        return "" if seconds is None else f"{seconds:.2f}"

    def has_add_permission(self, request: HttpRequest, obj: Event | None = None) -> bool:
        return False


def _flow_badge(event: Event) -> SafeString:
    status = status_of_annotated(event)
    return format_html(
        '<b style="color:{}">{}</b> ({}/{} done)', _STATUS_COLOURS[status], status, event.flow_done, event.flow_total
    )


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["occurred_at", "type", "flight_link", "summary", "drill", "flow", "root_link"]
    list_filter = [FlowStatusFilter, "type", "drill", "occurred_at"]
    search_fields = ["=id", "=root__id", "payload__flight"]
    list_select_related = ["flight", "flight__carrier"]
    date_hierarchy = "occurred_at"
    inlines = [DeliveryInline]
    readonly_fields = ["id", "type", "version", "occurred_at", "flight", "drill", "payload", "caused_by",
                       "root", "flow", "tree"]  # fmt: skip
    actions = ["redeliver_flows"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Event]:
        # Flow counts are per root (chained events share their root's): one query for the page.
        return with_flow_counts(super().get_queryset(request))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Event | None = None) -> bool:
        return False

    def get_urls(self) -> list[URLPattern]:
        live = path("<path:object_id>/live/", self.admin_site.admin_view(self.live_view), name="events_event_live")
        return [live, *super().get_urls()]

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict | None = None
    ) -> HttpResponse:
        """The disruption page: read only (nothing on it can be changed), its live part refreshed by htmx while
        the flow is in progress."""
        event = self._viewable(request, object_id)
        context = {
            **self.admin_site.each_context(request),
            **live_context(event),
            "opts": self.opts,
            "original": event,
            "title": f"{event.type} {event.payload.get('flight', '')}",
            "tree": self.tree(event),
            "payload_fields": _payload_fields(event.payload),
            "trace": trace_of(event.trace_context),
        }
        return TemplateResponse(request, "admin/events/event/disruption.html", context)

    def live_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """The disruption page's figures and timeline alone, for htmx to swap in."""
        return TemplateResponse(request, LIVE_TEMPLATE, live_context(self._viewable(request, object_id)))

    def _viewable(self, request: HttpRequest, object_id: str) -> Event:
        event = self.get_object(request, unquote(object_id))
        if event is None:
            raise Http404(f"No event {object_id}.")
        if not self.has_view_or_change_permission(request, event):
            raise PermissionDenied
        return event

    @admin.display(description="flight", ordering="flight")
    def flight_link(self, event: Event) -> SafeString | str:
        if not event.flight_id:
            return "—"
        url = reverse("admin:flights_flight_change", args=[event.flight_id])
        return format_html('<a href="{}">{}</a>', url, event.payload.get("flight", event.flight_id))

    @admin.display(description="what")
    def summary(self, event: Event) -> str:
        try:
            return decode(event.type, event.version, event.payload).summary()
        except InvalidPayload:
            return "(payload does not match its model)"

    @admin.display(description="flow (this event's root)")
    def flow(self, event: Event) -> SafeString:
        return _flow_badge(event)

    @admin.display(description="root")
    def root_link(self, event: Event) -> SafeString | str:
        if event.is_root:
            return "—"
        return format_html('<a href="{}">{}</a>', reverse("admin:events_event_change", args=[event.root_id]), "root")

    @admin.display(description="caused-by tree")
    def tree(self, event: Event) -> SafeString:
        """The whole flow from its root: each event with its subscribers' statuses."""
        events = list(
            Event.objects.filter(root_id=event.root_id).prefetch_related("deliveries").order_by("occurred_at")
        )
        children: dict[object, list[Event]] = {}
        for e in events:
            children.setdefault(e.caused_by_id, []).append(e)
        return format_html("<ul>{}</ul>", _tree_items(children, None, current=event.id))

    @admin.action(description="Redeliver failed or dead deliveries of the selected flows", permissions=["change"])
    def redeliver_flows(self, request: HttpRequest, queryset: QuerySet[Event]) -> None:
        ids = list(
            Delivery.objects.filter(event__root__in=queryset.values("root"), status__in=RESENDABLE).values_list(
                "id", flat=True
            )
        )
        count = redeliver(ids)
        for event in queryset:
            self.log_change(request, event, "Redelivered the failed or dead deliveries of its flow")
        self.message_user(request, f"{count} deliveries sent again.", messages.SUCCESS if count else messages.INFO)


def _payload_fields(payload: dict[str, Any]) -> list[tuple[str, str]]:
    """The payload as an operator reads it: a row per field, a nested value (a party, a list) as compact JSON."""
    return [
        (name.replace("_", " "), value if isinstance(value, str) else json.dumps(value, separators=(", ", ": ")))
        for name, value in sorted(payload.items())
    ]


def _tree_items(children: dict[object, list[Event]], parent: object, *, current: object) -> SafeString:
    return format_html_join(
        "",
        "<li>{}{}</li>",
        ((_tree_label(e, current), _subtree(children, e.id, current)) for e in children.get(parent, [])),
    )


def _subtree(children: dict[object, list[Event]], parent: object, current: object) -> SafeString | str:
    if parent not in children:
        return ""
    return format_html("<ul>{}</ul>", _tree_items(children, parent, current=current))


def _tree_label(event: Event, current: object) -> SafeString:
    url = reverse("admin:events_event_change", args=[event.id])
    deliveries = format_html_join(
        ", ",
        "{} <i>{}</i>",
        ((d.subscriber, d.status) for d in sorted(event.deliveries.all(), key=lambda d: d.subscriber)),
    )
    weight = "bold" if event.id == current else "normal"
    return format_html(
        '<a href="{}" style="font-weight:{}">{}</a> — {}', url, weight, event.type, deliveries or "no subscribers"
    )


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["id", "event_link", "subscriber", "queue", "status", "attempts", "started_at", "finished_at",
                    "short_error"]  # fmt: skip
    list_filter = ["status", "subscriber", "queue", "event__type", RootFilter, DrillsFilter]
    search_fields = ["=event__id", "=event__root__id", "subscriber"]
    list_select_related = ["event"]
    readonly_fields = ["id", "event", "subscriber", "queue", "status", "attempts", "created_at", "dispatched_at",
                       "dispatch_count", "next_attempt_at", "started_at", "lease_expires_at", "lease_token",
                       "finished_at", "last_error", "task_id", "result"]  # fmt: skip
    actions = ["redeliver_selected"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Delivery | None = None) -> bool:
        return False

    @admin.display(description="event")
    def event_link(self, delivery: Delivery) -> SafeString:
        url = reverse("admin:events_event_change", args=[delivery.event_id])
        return format_html('<a href="{}">{}</a>', url, delivery.event.type)

    @admin.display(description="last error")
    def short_error(self, delivery: Delivery) -> str:
        return delivery.last_error[:80]

    @admin.action(description="Redeliver the selected failed or dead deliveries", permissions=["change"])
    def redeliver_selected(self, request: HttpRequest, queryset: QuerySet[Delivery]) -> None:
        retryable = list(queryset.filter(status__in=RESENDABLE))
        count = redeliver([delivery.id for delivery in retryable])
        for delivery in retryable:
            self.log_change(request, delivery, "Redelivered")
        self.message_user(request, f"{count} deliveries sent again.", messages.SUCCESS if count else messages.INFO)
