"""Message texts from templates: ``notifications/<kind>.txt`` (body, also the SMS text) and
``notifications/<kind>_subject.txt`` (the email subject)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string

from .models import PassengerMessage

# Payload fields rendered as times.
_TIMES = ("scheduled_departure", "scheduled_arrival", "estimated_departure", "estimated_arrival", "first_departure")


@dataclass(frozen=True)
class Text:
    subject: str
    body: str


def template_context(message: PassengerMessage) -> dict[str, Any]:
    """What a template sees: the passenger, the event's facts and the passenger's own facts, times parsed."""
    context: dict[str, Any] = {**message.event.payload, **message.context, "passenger": message.passenger}
    for name in _TIMES:
        if isinstance(context.get(name), str):
            context[name] = _moment(context[name])
    return context


def _moment(text: str) -> dt.datetime | str:
    """An ISO time as a datetime (templates format it); anything else is shown as written."""
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        return text


def render(message: PassengerMessage) -> Text:
    """The subject and body of the message."""
    context = template_context(message)
    subject = render_to_string(f"notifications/{message.kind}_subject.txt", context)
    return Text(subject=" ".join(subject.split()), body=render_to_string(f"notifications/{message.kind}.txt", context))
