"""Point every partner airline's endpoint at the built-in sandbox (for the local demo)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.urls import reverse

from flights.models import Airline


class Command(BaseCommand):
    help = "Set every partner airline's endpoint to <base-url>/sandbox/partners/<code>/."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--base-url", default="http://127.0.0.1:8000", help="Where the web process listens.")

    def handle(self, *args: Any, base_url: str, **options: Any) -> None:
        base = base_url.rstrip("/")
        partners = list(Airline.objects.filter(own=False))
        for partner in partners:
            partner.endpoint = base + reverse("notifications:partner-inbox", kwargs={"code": partner.code})
        Airline.objects.bulk_update(partners, ["endpoint"])
        for partner in partners:
            self.stdout.write(f"{partner.code} → {partner.endpoint}")
