"""Message texts from templates: ``notifications/<kind>.txt`` (body, also the SMS text) and
``notifications/<kind>_subject.txt`` (the email subject).

A template sees the event's facts (its payload), the message's own facts (its ``context``) and ``passenger``
with the fields of ``TEMPLATE_PASSENGER_FIELDS``; times are datetimes (format them with ``|utc``). The sender,
the console and the booking page all render through :func:`render_text`, so what they show is what was sent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string

from .models import PassengerMessage

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


def render_text(kind: str, facts: Mapping[str, Any]) -> Text:
    """The subject and body of a message of ``kind`` given its template context (:func:`template_context`)."""
    subject = render_to_string(f"notifications/{kind}_subject.txt", facts)
    return Text(subject=" ".join(subject.split()), body=render_to_string(f"notifications/{kind}.txt", facts))


def render(message: PassengerMessage) -> Text:
    """The subject and body of a stored message."""
    passenger = {name: getattr(message.passenger, name) for name in TEMPLATE_PASSENGER_FIELDS}
    return render_text(message.kind, template_context(message.event.payload, message.context, passenger))
