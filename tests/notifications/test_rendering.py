"""Message texts as Jinja2 renders them (docs/adr/0016): whole, to the character, and what a missing fact shows."""

from __future__ import annotations

import datetime as dt

import jinja2
import pytest

from notifications.rendering import Text, environment, render_text, template_context

PASSENGER = {"ref": "QX7K2M-1", "first_name": "Ada", "last_name": "Lovelace"}
DELAY = {
    "flight": "NV117/2026-11-25",
    "origin": "LHR",
    "destination": "CDG",
    "delay_minutes": 90,
    "scheduled_departure": "2026-11-25T08:00:00+00:00",
    "estimated_departure": "2026-11-25T10:30:00+01:00",
    "estimated_arrival": "2026-11-25T11:45:00+00:00",
}


def test_a_delay_reads_to_the_character_as_it_did_in_django_templates() -> None:
    assert render_text("delay", DELAY, {}, PASSENGER) == Text(
        subject="Flight NV117/2026-11-25 is delayed by 90 minutes",
        body="Dear Ada Lovelace,\n\n"
        "Your flight NV117/2026-11-25 from LHR to CDG is delayed by 90 minutes.\n"
        "Scheduled departure: 25 Nov 2026 08:00 UTC\n"
        "Expected departure:  25 Nov 2026 09:30 UTC\n"
        "Expected arrival:    25 Nov 2026 11:45 UTC\n\n"
        "We are sorry for the inconvenience. We will tell you at once if anything else changes.\n\n"
        "Novair\n\n",
    )


def test_the_message_context_overrides_the_event_and_loops_and_conditions_work() -> None:
    payload = {"flight": "NV117/2026-11-25", "first_departure": "2026-11-25T15:00:00+00:00", "locator": "OLD"}
    context = {"locator": "QX7K2M", "legs": ["PA2233/2026-11-25", "NV9/2026-11-26"]}
    text = render_text("new_itinerary", payload, context, PASSENGER)
    assert text.subject == "Your new itinerary, booking QX7K2M"
    assert "rebooked you (booking QX7K2M):\n\n- PA2233/2026-11-25\n- NV9/2026-11-26\n\n" in text.body
    assert "First departure: 25 Nov 2026 15:00 UTC" in text.body
    assert isinstance(template_context(payload, context, PASSENGER)["first_departure"], dt.datetime)


@pytest.mark.parametrize("missing", ["origin", "delay_minutes", "estimated_arrival"])
def test_a_missing_fact_shows_as_nothing_not_an_error(missing: str) -> None:
    text = render_text("delay", {k: v for k, v in DELAY.items() if k != missing}, {}, PASSENGER)
    assert text.body.startswith("Dear Ada Lovelace,") and "{{" not in text.body
    if missing == "delay_minutes":
        assert "is back on schedule" in text.body, "a missing delay reads as none"


def test_a_missing_part_of_a_fact_shows_as_nothing_too() -> None:
    flight = {"flight": "NV117/2026-11-25"}
    text = render_text("hotel", flight, {"stays": [{"hotel": "Roissy Inn"}]}, PASSENGER)
    assert "- Roissy Inn (), night of \n" in text.body
    assert "we have booked you a room:\n\n" in render_text("hotel", flight, {}, PASSENGER).body, "no stays: no lines"


def test_missing_facts_show_as_nothing_in_development_too() -> None:
    """Django's Jinja2 backend asks for ``DebugUndefined`` (the name shown) when DEBUG is on."""
    texts = environment(undefined=jinja2.DebugUndefined, autoescape=False)
    assert texts.from_string("[{{ origin }}|{{ stay.hotel }}|{{ moment|utc }}]").render() == "[||]"
