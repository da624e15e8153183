"""Install the default delay-drill schedule (disabled unless --enable)."""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from flights.drills import DEFAULTS

NAME = "Delay drill"


class Command(BaseCommand):
    help = "Create or update the periodic task 'Delay drill' (flights.inject_delays every 15 minutes)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--enable", action="store_true", help="enable it (it is installed disabled)")
        parser.add_argument("--every", type=int, default=15, help="minutes between ticks (default 15)")

    def handle(self, *args: Any, enable: bool, every: int, **options: Any) -> None:
        schedule, _ = IntervalSchedule.objects.get_or_create(every=every, period=IntervalSchedule.MINUTES)
        task, created = PeriodicTask.objects.get_or_create(
            name=NAME,
            defaults={"task": "flights.inject_delays", "interval": schedule, "kwargs": json.dumps(DEFAULTS)},
        )
        task.interval, task.enabled = schedule, enable
        task.save()
        state = "enabled" if enable else "disabled (enable it in the admin: Periodic tasks)"
        self.stdout.write(f"{'Installed' if created else 'Updated'} '{NAME}' every {every} min, {state}.")
