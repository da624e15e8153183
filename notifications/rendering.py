"""Message texts from Jinja2 templates (docs/adr/0016): ``notifications/jinja2/notifications/<kind>.txt`` (the
body, also the SMS text) and ``<kind>_subject.txt`` (the email subject), in the ``passenger-texts`` engine.

A template sees the event's facts (its payload), the message's own facts (its ``context``) and ``passenger``
with the fields of ``TEMPLATE_PASSENGER_FIELDS``; times are datetimes, shown with ``|utc``. A fact a template
names that is missing shows as nothing, as in Django's templates. The sender, the console and the booking
page all render through :func:`render_text`, so what they show is what was sent.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import jinja2
from django.template import engines

from .models import PassengerMessage

ENGINE = "passenger-texts"
"""The name of the template engine of message texts in ``settings.TEMPLATES``."""

TEMPLATE_PASSENGER_FIELDS = ("ref", "first_name", "last_name")
"""The passenger's fields a template sees, as ``{{ passenger.first_name }}``."""

# Payload fields rendered as times.
_TIMES = ("scheduled_departure", "scheduled_arrival", "estimated_departure", "estimated_arrival", "first_departure")


@dataclass(frozen=True)
class Text:
    subject: str
    body: str


def template_context(payload: Mapping[str, Any], context: Mapping[str, Any], passenger: Mapping[str, Any]) -> dict:
    """What a template sees: the event's ``payload``, the message's own ``context`` over it and the
    ``passenger`` (``TEMPLATE_PASSENGER_FIELDS``), times parsed."""
    facts: dict[str, Any] = {**payload, **context, "passenger": passenger}
    for name in _TIMES:
        if isinstance(facts.get(name), str):
            facts[name] = _moment(facts[name])
    return facts


def _moment(text: str) -> dt.datetime | str:
    """An ISO time as a datetime (templates format it); anything else is shown as written."""
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        return text


def render_text(
    kind: str, payload: Mapping[str, Any], context: Mapping[str, Any], passenger: Mapping[str, Any]
) -> Text:
    """The subject and body of a message of ``kind`` from its event's ``payload``, its own ``context`` and its
    ``passenger`` (:func:`template_context`)."""
    facts = template_context(payload, context, passenger)
    # the engine's Jinja2 environment itself, not Django's loader and template wrapper around it: the same text,
    # and a fifth of the sender's rendering time saved (templates are still cached, and reloaded, by Jinja2)
    texts = engines[ENGINE].env
    subject = texts.get_template(f"notifications/{kind}_subject.txt").render(facts)
    body = texts.get_template(f"notifications/{kind}.txt").render(facts)
    return Text(subject=" ".join(subject.split()), body=body)


def render(message: PassengerMessage) -> Text:
    """The subject and body of a stored message."""
    passenger = {name: getattr(message.passenger, name) for name in TEMPLATE_PASSENGER_FIELDS}
    return render_text(message.kind, message.event.payload, message.context, passenger)


def utc(moment: dt.datetime | str | None) -> str:
    """The ``|utc`` filter: ``moment`` in UTC to the minute, labelled (``25 Nov 2026 09:30 UTC``); a time that
    could not be read is shown as written."""
    if not isinstance(moment, dt.datetime):
        return moment or ""
    return _utc_minute(moment)


@functools.lru_cache(maxsize=1024)
def _utc_minute(moment: dt.datetime) -> str:
    # cached: an event's thousands of messages show the same few times, and formatting was a fifth of rendering
    return f"{moment.astimezone(dt.UTC) if moment.tzinfo else moment:%d %b %Y %H:%M} UTC"


def environment(**options: Any) -> jinja2.Environment:
    """The Jinja2 environment of message texts (``settings.TEMPLATES``): plain text, a missing fact shown as
    nothing (in development too, where Django's backend would show its name), times shown by ``|utc``."""
    texts = jinja2.Environment(**{**options, "undefined": jinja2.ChainableUndefined})  # noqa: S701 - plain text, not HTML
    texts.filters["utc"] = utc
    return texts
