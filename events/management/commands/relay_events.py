"""Run one relay sweep by hand (beat runs it every few seconds)."""

from django.core.management.base import BaseCommand

from events.relay import relay_once


class Command(BaseCommand):
    help = "Send every delivery that is due and was not sent (broker down at commit, lost message, dead worker)."

    def handle(self, *args: object, **options: object) -> None:
        report = relay_once()
        self.stdout.write(f"relay: {report.dispatched} dispatched, {report.buried} buried")
