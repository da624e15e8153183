"""The system check that every subscription's queue is one a worker consumes (``events.E001``)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.checks import Error
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from events import registry
from events.checks import check_subscription_queues, procfile_worker_queues, worker_queues
from events.contracts import EventFacts
from events.registry import subscriber
from flights.payloads import FlightCancelled, FlightDelayed
from tests.support.processes import ROOT

CONFIGURED = {"default", "events", "rebooking", "vouchers"}


def manage_py_check(**env: str) -> subprocess.CompletedProcess[str]:
    """``manage.py check`` in its own process, with ``env`` on top of this one's environment."""
    child = {k: v for k, v in os.environ.items() if k != "EVENTS_EXTRA_SUBSCRIBER_MODULES"} | env
    return subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=child, capture_output=True,
                          text=True, timeout=60, check=False)  # fmt: skip


@pytest.fixture
def scratch_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    """Subscriptions registered in the test vanish after it (the registry is a copy of the real one)."""
    monkeypatch.setattr(registry, "_subscriptions", {t: dict(s) for t, s in registry._subscriptions.items()})


def misrouted(payload: FlightDelayed | FlightCancelled, event: EventFacts) -> None:
    """A handler registered by the tests below on queues nobody consumes."""


def test_every_subscription_of_the_project_runs_on_a_consumed_queue() -> None:
    assert registry.all_subscriptions(), "the subscribers are registered"
    assert check_subscription_queues() == []
    call_command("check")


def test_manage_py_check_passes_with_the_projects_own_settings() -> None:
    result = manage_py_check(DJANGO_SETTINGS_MODULE="airline.settings")
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


@pytest.mark.usefixtures("scratch_registry")
def test_a_subscription_on_a_queue_nobody_consumes_is_an_error_naming_it() -> None:
    subscriber("test-misrouted", on=[FlightDelayed, FlightCancelled], queue="vouchrs")(misrouted)
    errors = check_subscription_queues()
    assert [type(e) for e in errors] == [Error, Error]
    assert {e.id for e in errors} == {"events.E001"}
    assert {e.msg for e in errors} == {
        "subscriber 'test-misrouted' handles 'flight.cancelled' on queue 'vouchrs', which no worker consumes.",
        "subscriber 'test-misrouted' handles 'flight.delayed' on queue 'vouchrs', which no worker consumes.",
    }
    assert errors[0].obj == "tests.events.test_subscription_queues.misrouted"
    assert "vouchers" in errors[0].hint
    with pytest.raises(SystemCheckError, match=r"events\.E001"):
        call_command("check")


def test_manage_py_check_fails_on_a_queue_typo() -> None:
    result = manage_py_check(
        DJANGO_SETTINGS_MODULE="tests.settings", EVENTS_EXTRA_SUBSCRIBER_MODULES="tests.support.misrouted_subscribers"
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "(events.E001) subscriber 'test-misrouted' handles 'flight.delayed' on queue 'vouchrs'" in result.stderr


def test_the_procfiles_workers_decide_which_queues_are_consumed() -> None:
    assert procfile_worker_queues("web: gunicorn airline.wsgi\nbeat: celery -A airline beat\n", CONFIGURED) is None
    assert procfile_worker_queues("worker: .venv/bin/celery -A airline worker -c 2\n", CONFIGURED) == CONFIGURED
    pools = ("# one pool per queue\n"
             "rebooking: .venv/bin/celery -A airline worker -n rebooking@%h -Q rebooking\n"
             "care: celery -A airline worker --queues=vouchers,lodging\n")  # fmt: skip
    assert procfile_worker_queues(pools, CONFIGURED) == {"rebooking", "vouchers", "lodging"}
    assert worker_queues("celery -A airline worker -Qdefault,events --queues rebooking", CONFIGURED) == {
        "default", "events", "rebooking"
    }  # fmt: skip
    assert worker_queues("celery -A airline worker -X rebooking --exclude-queues=vouchers", CONFIGURED) == {
        "default", "events"
    }  # fmt: skip


def test_a_procfile_worker_that_skips_a_subscribers_queue_fails_the_check(settings, tmp_path: Path) -> None:
    (tmp_path / "Procfile").write_text("worker: celery -A airline worker -Q default,events,rebooking,vouchers\n")
    settings.BASE_DIR = tmp_path
    queues = {re.search(r"on queue '(\w+)'", e.msg).group(1) for e in check_subscription_queues()}
    assert queues == {"lodging", "partners", "notifications", "duties"}
