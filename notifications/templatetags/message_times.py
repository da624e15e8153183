"""Times as passenger messages show them: ``25 Nov 2026 09:30 UTC``.

Formatted with ``strftime`` rather than Django's ``date`` filter, which built a formatter for each time of each
message and was a fifth of the sender's CPU per email (``bench/passenger_messages.py``).
"""

from __future__ import annotations

import datetime as dt

from django import template

register = template.Library()


@register.filter
def utc(moment: dt.datetime | str | None) -> str:
    """``moment`` in UTC to the minute, labelled; a time that could not be read is shown as written."""
    if not isinstance(moment, dt.datetime):
        return moment or ""
    return f"{moment.astimezone(dt.UTC) if moment.tzinfo else moment:%d %b %Y %H:%M} UTC"
