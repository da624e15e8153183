"""The what-if preview: the SCENARIO.md document, nothing changed, and preview-then-apply identical."""

from __future__ import annotations

import datetime as dt
import json
import random
import re
from collections import Counter, defaultdict
from decimal import Decimal
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
import redis
from django.apps import apps
from django.conf import settings
from django.core import mail
from django.core.management import CommandError, call_command

from flights.models import Flight
from flights.services import cancel_flight, delay_flight
from operations.what_if import Option, OptionKind, preview
from operations.what_if.document import document
from passengers.models import Passenger
from rebooking.models import Cause, Reaccommodation
from scenarios.outcomes import build_outcomes
from tests.support.clock import WORLD_START
from tests.support.flows import run_flow

from .networks import load_random_network, random_choice

pytestmark = pytest.mark.django_db

EARLY_MORNING = WORLD_START + dt.timedelta(hours=6)


@pytest.fixture
def network(tmp_path: Path, clock: Any) -> None:
    clock.freeze(EARLY_MORNING)
    load_random_network(random.Random(7), tmp_path)


def _what_if(*args: str) -> str:
    out = StringIO()
    call_command("what_if", *args, stdout=out)
    return out.getvalue()


def _documented_option_fields(shared_dir: Path) -> tuple[list[str], list[str]]:
    """The top-level fields and a delay option's fields of SCENARIO.md's what-if example, in their order."""
    text = (shared_dir / "contract" / "SCENARIO.md").read_text()
    section = text[text.index("## What-if document") :]
    example = json.loads(re.search(r"```json\n(.*?)```", section, re.S).group(1))
    return list(example), list(example["options"][0])


def test_the_document_has_scenario_md_fields_in_order_and_types(network: None, shared_dir: Path) -> None:
    top, fields = _documented_option_fields(shared_dir)
    doc = json.loads(_what_if("NV1", "2026-11-25", "--delay", "150", "--delay", "300", "--cancel", "--json"))

    assert list(doc) == top
    assert (doc["format"], doc["flight"], doc["reason"]) == ("airline-disruption-what-if/1", "NV1/2026-11-25", "OTHER")
    assert [(o["option"], o["delay_minutes"]) for o in doc["options"]] == [
        ("delay", 150),
        ("delay", 300),
        ("cancel", None),
    ]
    for option in doc["options"]:
        assert list(option) == fields
        for name in fields[2:]:
            value = option[name]
            if name.endswith("_amount"):
                assert all(re.fullmatch(r"[A-Z]{3}", c) and re.fullmatch(r"\d+\.\d{2}", a) for c, a in value.items())
            else:
                assert isinstance(value, int) and not isinstance(value, bool), name
    assert doc["options"][2]["passengers"] > 0


def test_the_table_shows_every_option_side_by_side(network: None) -> None:
    table = _what_if("nv001", "2026-11-25", "--delay", "200", "--cancel", "--reason", "tech")

    assert "What if NV1/2026-11-25 (TECH): nothing has been changed." in table
    header = table.splitlines()[1]
    assert header.index("delay 200 min") < header.index("cancel")
    assert any(line.startswith("compensation owed") for line in table.splitlines())


def _state() -> dict[str, Any]:
    """Every table's row count, the outbox, the Redis keys and the mail outbox."""
    counts = {model._meta.label: model._base_manager.count() for model in apps.get_models()}
    # The test-only recorder subscriber counts its executions in the cache, committed or not, by design.
    keys = {k for k in redis.Redis.from_url(settings.REDIS_URL).keys("*") if b"executions:" not in k}
    flights = list(Flight.objects.order_by("id").values_list("status", "estimated_departure", "booked_y"))
    return {"rows": counts, "redis": keys, "mail": len(mail.outbox), "flights": flights}


def test_a_preview_changes_nothing(network: None, django_capture_on_commit_callbacks: Any) -> None:
    before = _state()
    with django_capture_on_commit_callbacks() as callbacks:
        outcome = preview(Flight.objects.get(number="1"), [Option.delay(420), Option.cancel()], reason="TECH")

    assert outcome.options[1].passenger_messages > 0  # the flows did write messages, vouchers, events …
    assert callbacks == []  # … and nothing was to be sent: no delivery, message, mail or cache refresh
    assert _state() == before


def _applied(flight: Flight, option: Option, reason: str) -> dict[str, Any]:
    """Apply ``option`` for real, run its flow, and read the what-if figures from the outcome export (the network
    is fresh: every row in it comes from this disruption)."""
    if option.kind == OptionKind.CANCEL:
        root = cancel_flight(flight=flight, reason=reason)
    else:
        root = delay_flight(flight=flight, delay_minutes=option.delay_minutes, reason=reason)
    run_flow(root)
    outcomes = build_outcomes()

    def money(rows: list[dict[str, Any]]) -> dict[str, str]:
        total: dict[str, Decimal] = defaultdict(Decimal)
        for row in rows:
            total[row["currency"]] += Decimal(row["amount"])
        return {currency: f"{total[currency]:.2f}" for currency in sorted(total)}

    reaccommodated = Counter(row["status"] for row in outcomes["reaccommodations"])
    stays = Counter(row["status"] for row in outcomes["hotel_stays"])
    eligible = [row for row in outcomes["compensation"] if row["status"] == "eligible"]
    passengers = Passenger.objects.filter(booking__segments__flight=flight).distinct().count()
    refund_open = option.kind == OptionKind.CANCEL or option.delay_minutes >= 300  # every flight departs GB: UK261
    misconnected = Reaccommodation.objects.filter(cause=Cause.MISCONNECT).values_list("booking_id", flat=True)
    return {
        "option": str(option.kind),
        "delay_minutes": option.delay_minutes,
        "passengers": passengers,
        "misconnects": Passenger.objects.filter(booking_id__in=misconnected).count(),
        "rebooked": reaccommodated["rebooked"] + reaccommodated["accepted"],
        "unprotected": reaccommodated["unprotected"],
        "meal_vouchers": len(outcomes["meal_vouchers"]),
        "meal_voucher_amount": money(outcomes["meal_vouchers"]),
        "hotel_stays": stays["booked"],
        "unaccommodated": stays["unaccommodated"],
        "compensation_eligible": len(eligible),
        "compensation_amount": money(eligible),
        "refund_options": passengers if refund_open else 0,
        "partner_messages": len(outcomes["partner_messages"]),
        "passenger_messages": len(outcomes["passenger_messages"]),
    }


@pytest.mark.parametrize("seed", range(8))
def test_applied_right_after_an_option_produces_what_its_preview_said(seed: int, tmp_path: Path, clock: Any) -> None:
    rng = random.Random(seed)
    clock.freeze(EARLY_MORNING)
    load_random_network(rng, tmp_path)
    flight, option = random_choice(rng)
    reason = rng.choice(["TECH", "WX"])

    previewed = document(preview(flight, [option], reason=reason))["options"][0]

    assert previewed == _applied(flight, option, reason), f"{flight.ref} {option} {reason}"


@pytest.mark.parametrize(
    ("args", "problems"),
    [
        (["NV999", "2026-11-25", "--delay", "3000"], ["no flight NV999/2026-11-25", "from 0 to 2880, not 3000"]),
        (["NV1", "2026-11-25"], ["no option"]),
        (["NV1", "2026-11-25", "--delay", "-5", "--delay", "2881", "--cancel"], ["not -5", "not 2881"]),
        (["NV1", "2026-13-01", "--cancel"], ["2026-13-01"]),
    ],
)
def test_bad_input_lists_every_problem_and_changes_nothing(network: None, args: list[str], problems: list[str]) -> None:
    before = _state()
    with pytest.raises(CommandError) as error:
        _what_if(*args)

    for problem in problems:
        assert problem in str(error.value)
    assert _state() == before


def test_a_cancelled_or_departed_flight_cannot_be_previewed(network: None, clock: Any) -> None:
    cancel_flight(flight=Flight.objects.get(number="1"))
    clock.freeze(WORLD_START + dt.timedelta(hours=12, minutes=30))  # NV2 left at 12:00
    before = _state()
    with pytest.raises(CommandError, match="NV1/2026-11-25 is already cancelled"):
        _what_if("NV1", "2026-11-25", "--delay", "60")
    with pytest.raises(CommandError, match=r"NV2/2026-11-25 has departed \(estimated departure 2026-11-25 12:00"):
        _what_if("NV2", "2026-11-25", "--cancel")
    assert _state() == before
