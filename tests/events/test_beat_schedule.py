"""The periodic tasks as beat installs them in the database."""

from __future__ import annotations

import pytest
from django_celery_beat.models import PeriodicTask
from django_celery_beat.schedulers import DatabaseScheduler

from airline.celery import app

pytestmark = pytest.mark.django_db(transaction=True)  # the scheduler closes the connection


def test_every_periodic_tick_expires_after_its_interval_instead_of_piling_up() -> None:
    scheduler = DatabaseScheduler(app=app, lazy=True)
    scheduler.setup_schedule()
    ticks = {t.name: t for t in PeriodicTask.objects.filter(name__in=["events-relay", "passenger-messages-sweep"])}
    assert ticks["events-relay"].expire_seconds == 5 and ticks["events-relay"].enabled
    assert ticks["passenger-messages-sweep"].task == "notifications.sweep_passenger_messages"
    assert scheduler.schedule["events-relay"].options["expires"] == 5
