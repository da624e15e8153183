"""Shared fixtures. Tests run against real PostgreSQL and Redis (see the Makefile's TEST_ENV)."""

from __future__ import annotations

import gzip
import json
import shutil
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from playwright.sync_api import Browser, sync_playwright

from airline import clock as project_clock
from airline.rabbitmq import rabbitmq_vhost
from tests.support.brokers import RABBITMQ_URL, Outage, private_redis, use_broker
from tests.support.browser import CHROMIUM_ARGS
from tests.support.clock import WORLD_START, WorldClock
from tests.support.processes import free_port


@pytest.fixture(autouse=True)
def clock(monkeypatch: pytest.MonkeyPatch) -> WorldClock:
    """The project's clock in every test: the scenarios' world, from 2026-11-25 00:00 UTC on (see
    ``tests.support.clock``); ``clock.freeze(moment)`` stops it. Worker processes keep the wall clock."""
    world = WorldClock(WORLD_START)
    monkeypatch.setattr(project_clock, "now", world.now)
    return world


@pytest.fixture(autouse=True)
def one_delivery_per_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """A test that runs deliveries by hand (``run_delivery``) decides their order: in the test process a run takes
    no other delivery along. Worker processes keep the batches of the settings; tests/events/test_batches.py
    runs batches in the test process."""
    monkeypatch.setattr(settings, "EVENTS_CLAIM_BATCH", 1)


@pytest.fixture(scope="session")
def rabbitmq_url() -> Iterator[str]:
    """RabbitMQ on a virtual host of this test run's own."""
    with rabbitmq_vhost(RABBITMQ_URL, "airline-test") as url:
        yield url


@pytest.fixture(params=["redis", "rabbitmq"])
def broker(request: pytest.FixtureRequest) -> Iterator[str]:
    """Each supported broker in turn (the test Redis database, then RabbitMQ), for tests with real processes:
    this process publishes to it and worker processes consume from it."""
    url = settings.REDIS_URL if request.param == "redis" else request.getfixturevalue("rabbitmq_url")
    with use_broker(url):
        yield url


@pytest.fixture
def broker_outage(broker: str, tmp_path: Path) -> Iterator[Outage]:
    """Redis: a redis-server of the test's own on another port, started by ``restore()``. RabbitMQ: a port
    nobody listens on while down, the test run's virtual host once restored."""
    if not broker.startswith("redis"):
        yield Outage(down_url="amqp://guest:guest@127.0.0.1:5674//", up_url=broker, restore=lambda: None)
        return
    port = free_port()
    with ExitStack() as servers:
        url = f"redis://127.0.0.1:{port}/0"
        yield Outage(down_url=url, up_url=url, restore=lambda: servers.enter_context(private_redis(tmp_path, port)))


@pytest.fixture
def browser(monkeypatch: pytest.MonkeyPatch) -> Iterator[Browser]:
    """Chromium, headless. Playwright's sync API keeps an event loop in this thread; the ORM calls between its
    steps are still plain synchronous code."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    executable = shutil.which("chromium")
    assert executable, "Debian's chromium package is needed (make test installs it)"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def contract_dir() -> Path:
    return settings.CONTRACT_DIR


@pytest.fixture
def shared_dir() -> Path:
    path = settings.SHARED_DIR
    assert (path / "benchmarks").is_dir(), f"the shared folder {path} (AIRLINE_SHARED_DIR) has no benchmarks/"
    return path


@pytest.fixture
def roles(db: None) -> None:
    """The operators' groups. The data migration creates them, but transactional tests empty every table."""
    from django.contrib.auth.models import Group, Permission

    from operations.roles import install_roles

    install_roles(Group, Permission)


@pytest.fixture
def tariffs(db: None) -> None:
    """A voucher tariff row for every regime that has one, as the data migration leaves them (transactional tests
    empty the table)."""
    from rights.regime import CURRENCY
    from vouchers.models import VoucherTariff

    for regime in CURRENCY:
        VoucherTariff.objects.get_or_create(regime=regime)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "slow: takes about a minute; still part of every run (deselect: -m 'not slow')")


@pytest.fixture
def scenario_document() -> dict[str, Any]:
    """A small valid scenario (a fresh copy for each test)."""
    return minimal_scenario()


def minimal_scenario() -> dict[str, Any]:
    """A small valid scenario: a partner connection at WAW, one known airport left to the airport database
    (WAW), one unknown airport with all its facts (XQA), a cabin filled to capacity (PA2231 Y), and an airline
    licensed in GB (NV) beside one without a licence country (PA)."""
    return {
        "format": "airline-disruption-scenario/1",
        "name": "minimal",
        "airlines": [
            {"code": "NV", "name": "Novair", "own": True, "country": "GB"},
            {"code": "PA", "name": "Partner Air", "own": False,
             "endpoint": "http://127.0.0.1:8765/pa", "secret": "pa-secret"},
        ],
        "airports": [
            {"code": "LHR", "name": "London Heathrow", "country": "GB", "timezone": "Europe/London",
             "latitude": 51.47, "longitude": -0.46, "min_connection_minutes": 45},
            {"code": "WAW"},
            {"code": "XQA", "name": "Example Field", "country": "GB", "timezone": "Europe/London",
             "latitude": 51.5, "longitude": -0.1, "min_connection_minutes": 30},
        ],
        "hotels": [
            {"code": "WAW-H1", "airport": "WAW", "name": "Warsaw Airport Inn",
             "rooms": {"2026-11-25": 5, "2026-11-26": 4}},
            {"code": "LHR-H1", "airport": "LHR", "name": "Heathrow Gateway Hotel", "rooms": {"2026-11-25": 10}},
            {"code": "WAW-H2", "airport": "WAW", "name": "Chopin Lodge", "rooms": {"2026-11-25": 3}},
        ],
        "flights": [
            {"carrier": "NV", "number": "0117", "date": "2026-11-25", "origin": "LHR", "destination": "WAW",
             "departure": "2026-11-25T08:25:00+00:00", "arrival": "2026-11-25T11:50:00+01:00",
             "seats": {"J": 2, "Y": 3}, "terminal": "5", "gate": "B32"},
            {"carrier": "PA", "number": "2231", "date": "2026-11-25", "origin": "WAW", "destination": "XQA",
             "departure": "2026-11-25T13:00:00+01:00", "arrival": "2026-11-25T14:30:00Z", "seats": {"Y": 2}},
        ],
        "bookings": [
            {"locator": "QX7K2M",
             "passengers": [
                 {"id": "QX7K2M-1", "first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.org",
                  "phone": "+447700900123", "tier": "gold", "assistance": ["WCHR"]},
                 {"id": "QX7K2M-2", "first_name": "Charles", "last_name": "Babbage"},
             ],
             "segments": [{"flight": "NV117/2026-11-25", "cabin": "Y"}, {"flight": "PA2231/2026-11-25", "cabin": "Y"}]},
            {"locator": "AB12CD",
             "passengers": [{"id": "AB12CD-1", "first_name": "Grace", "last_name": "Hopper"}],
             "segments": [{"flight": "NV0117/2026-11-25", "cabin": "J"}]},
        ],
    }  # fmt: skip


@dataclass(frozen=True)
class BrokenScenario:
    """A scenario that breaks one rule, and the problem the loader must report for it."""

    document: dict[str, Any]
    pointer: str
    message: str


Edit = Callable[[dict[str, Any]], object]

# One case per rule of SCENARIO.md ("Rules the loader enforces"), each an edit of ``scenario_document``.
BROKEN_SCENARIOS: list[tuple[str, Edit, str, str]] = [
    ("schema", lambda d: d["flights"][0].update(number="12345"), "/flights/0/number", "does not match"),
    ("airline-code-unique", lambda d: d["airlines"].append({"code": "NV", "name": "Again", "own": True}),
     "/airlines/2/code", "airline NV is listed twice (first at /airlines/0/code)"),
    ("partner-needs-endpoint", lambda d: d["airlines"][1].pop("endpoint"),
     "/airlines/1", "partner airline PA (own: false) needs endpoint"),
    ("partner-needs-secret", lambda d: d["airlines"][1].pop("secret"),
     "/airlines/1", "partner airline PA (own: false) needs secret"),
    ("partner-endpoint-is-url", lambda d: d["airlines"][1].update(endpoint="https://"),
     "/airlines/1/endpoint", "'https://' is not an http/https URL"),
    ("airline-country-is-alpha-2", lambda d: d["airlines"][0].update(country="GBR"),
     "/airlines/0/country", "'GBR' does not match '^[A-Z]{2}$'"),
    ("airline-country-is-upper-case", lambda d: d["airlines"][0].update(country="gb"),
     "/airlines/0/country", "'gb' does not match '^[A-Z]{2}$'"),
    ("airline-country-exists", lambda d: d["airlines"][0].update(country="UK"),
     "/airlines/0/country", "UK is not an ISO 3166-1 alpha-2 country code"),
    ("airline-country-not-user-assigned", lambda d: d["airlines"][1].update(country="XA"),
     "/airlines/1/country", "XA is not an ISO 3166-1 alpha-2 country code"),
    ("airport-code-unique", lambda d: d["airports"].append({"code": "WAW"}),
     "/airports/3/code", "airport WAW is listed twice (first at /airports/1/code)"),
    ("unknown-airport-needs-facts", lambda d: [d["airports"][2].pop(k) for k in ("timezone", "latitude")],
     "/airports/2", "XQA is not a known IATA airport, so it needs timezone, latitude"),
    ("timezone-is-iana", lambda d: d["airports"][2].update(timezone="Europe/Atlantis"),
     "/airports/2/timezone", "'Europe/Atlantis' is not an IANA timezone"),
    ("airport-country-exists", lambda d: d["airports"][2].update(country="EU"),
     "/airports/2/country", "EU is not an ISO 3166-1 alpha-2 country code"),
    ("known-airport-country-exists", lambda d: d["airports"][1].update(country="ZZ"),
     "/airports/1/country", "ZZ is not an ISO 3166-1 alpha-2 country code"),
    ("hotel-airport-listed", lambda d: d["hotels"][0].update(airport="JFK"),
     "/hotels/0/airport", "JFK is not listed in /airports"),
    ("hotel-code-unique", lambda d: d["hotels"][2].update(code="WAW-H1"),
     "/hotels/2/code", "hotel WAW-H1 is listed twice (first at /hotels/0/code)"),
    ("hotel-night-is-date", lambda d: d["hotels"][0]["rooms"].update({"2026-02-30": 1}),
     "/hotels/0/rooms/2026-02-30", "'2026-02-30' is not a date"),
    ("flight-carrier-listed", lambda d: d["flights"][1].update(carrier="ZZ"),
     "/flights/1/carrier", "ZZ is not listed in /airlines"),
    ("flight-origin-listed", lambda d: d["flights"][0].update(origin="CDG"),
     "/flights/0/origin", "CDG is not listed in /airports"),
    ("flight-destination-listed", lambda d: d["flights"][1].update(destination="JFK"),
     "/flights/1/destination", "JFK is not listed in /airports"),
    ("flight-unique", lambda d: d["flights"].append({**d["flights"][0], "number": "117"}),
     "/flights/2", "flight NV117/2026-11-25 is listed twice (first at /flights/0)"),
    ("flight-number-not-zero", lambda d: d["flights"][0].update(number="000"),
     "/flights/0/number", "has flight number 0"),
    ("flight-date-is-date", lambda d: d["flights"][0].update(date="2026-11-31"),
     "/flights/0/date", "'2026-11-31' is not a date"),
    ("flight-time-is-time", lambda d: d["flights"][0].update(departure="2026-11-25T24:25:00+00:00"),
     "/flights/0/departure", "'2026-11-25T24:25:00+00:00' is not a date and time"),
    ("flight-date-is-local-departure-date", lambda d: d["flights"][0].update(date="2026-11-24"),
     "/flights/0/date", "2026-11-24 is not the local date of the departure at LHR (2026-11-25 08:25 Europe/London)"),
    ("flight-arrives-after-departure", lambda d: d["flights"][0].update(arrival="2026-11-25T09:25:00+01:00"),
     "/flights/0/arrival", "the arrival (2026-11-25 08:25 UTC) is not after the departure (2026-11-25 08:25 UTC)"),
    ("flight-origin-not-destination", lambda d: d["flights"][1].update(destination="WAW"),
     "/flights/1/destination", "the flight departs from and arrives at the same airport WAW"),
    ("text-fits-database", lambda d: d["bookings"][1]["passengers"][0].update(phone="+4" + "7" * 40),
     "/bookings/1/passengers/0/phone", "is 42 characters long; at most 32 are allowed"),
    ("locator-unique", lambda d: d["bookings"][1].update(locator="QX7K2M"),
     "/bookings/1/locator", "locator QX7K2M is listed twice (first at /bookings/0/locator)"),
    ("passenger-id-unique", lambda d: d["bookings"][1]["passengers"][0].update(id="QX7K2M-2"),
     "/bookings/1/passengers/0/id", "passenger id QX7K2M-2 is listed twice (first at /bookings/0/passengers/1/id)"),
    ("segment-flight-exists", lambda d: d["bookings"][1]["segments"][0].update(flight="NV117/2026-11-26"),
     "/bookings/1/segments/0/flight", "flight NV117/2026-11-26 is not in /flights"),
    ("segment-flight-is-reference", lambda d: d["bookings"][1]["segments"][0].update(flight="NV0/2026-11-25"),
     "/bookings/1/segments/0/flight", "has flight number 0"),
    ("segment-cabin-exists", lambda d: d["bookings"][1]["segments"][0].update(cabin="F"),
     "/bookings/1/segments/0/cabin", "NV117/2026-11-25 has no cabin F (it has J, Y)"),
    ("segments-connect", lambda d: d["bookings"][0]["segments"].reverse(),
     "/bookings/0/segments/1", "NV117/2026-11-25 departs from LHR but the previous segment, PA2231/2026-11-25, "
     "arrives at XQA: consecutive segments must connect"),
    ("segments-respect-connection-time", lambda d: d["flights"][1].update(departure="2026-11-25T12:30:00+01:00"),
     "/bookings/0/segments/1", "the connection at WAW from NV117/2026-11-25 (arrives 2026-11-25 11:50 Europe/Warsaw) "
     "to PA2231/2026-11-25 (departs 2026-11-25 12:30 Europe/Warsaw) is 40 minutes; the minimum connection time "
     "there is 60 minutes"),
    ("cabin-capacity", lambda d: d["flights"][1]["seats"].update(Y=1),
     "/flights/1/seats/Y", "PA2231/2026-11-25 has 1 seats in cabin Y but 2 passengers are booked into it"),
]  # fmt: skip


@pytest.fixture(params=[pytest.param(case[1:], id=case[0]) for case in BROKEN_SCENARIOS])
def broken_scenario(request: pytest.FixtureRequest, scenario_document: dict[str, Any]) -> BrokenScenario:
    """``scenario_document`` broken in one way, once per rule of the contract."""
    edit, pointer, message = request.param
    edit(scenario_document)
    return BrokenScenario(document=scenario_document, pointer=pointer, message=message)


@pytest.fixture
def write_scenario(tmp_path: Path) -> Callable[..., Path]:
    """Write a scenario document to a file (gzip-compressed when the name ends in .gz) and return its path."""

    def write(document: Any, name: str = "scenario.json") -> Path:
        path = tmp_path / name
        data = json.dumps(document).encode()
        path.write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
        return path

    return write
