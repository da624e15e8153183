"""Times as the console shows them, always labelled with their zone: an airport's local time (``25 Nov 08:25
WAW``) or UTC (``25 Nov 07:25 UTC``) where operators compare across airports."""

from __future__ import annotations

import datetime as dt

from django import template

from flights.models import Airport

register = template.Library()

_FORMAT = "%d %b %H:%M"


@register.filter
def local(moment: dt.datetime | None, airport: Airport) -> str:
    """``moment`` in ``airport``'s local time, labelled with its code."""
    return f"{moment.astimezone(airport.tzinfo):{_FORMAT}} {airport.code}" if moment else ""


@register.filter
def utc(moment: dt.datetime | None) -> str:
    """``moment`` in UTC, labelled."""
    return f"{moment.astimezone(dt.UTC):{_FORMAT}} UTC" if moment else ""
