"""The disruption page's live part: figures, duties and the timeline of the flow an event belongs to."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from airline import clock
from events.models import Event
from events.selectors import IN_PROGRESS, flow_deliveries
from events.timeline import timeline

from .disruption_summary import summary_of

LIVE_TEMPLATE = "admin/events/event/disruption_live.html"


def live_context(event: Event) -> dict[str, Any]:
    """What the live part shows for ``event``'s disruption, and whether it should poll again (flow running)."""
    summary = summary_of(event.root_id)
    deliveries = flow_deliveries([event.root_id])[event.root_id]
    return {
        "summary": summary,
        "timeline": timeline(deliveries, now=clock.now()),
        "poll": summary.flow_status == IN_PROGRESS,
        "live_url": reverse("admin:events_event_live", args=[event.pk]),
    }
