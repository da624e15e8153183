"""``manage.py event_catalogue [--check]``: write (or check) docs/events.md's catalogue and docs/asyncapi.json."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from events.catalogue import asyncapi_json, stale, with_catalogue


class Command(BaseCommand):
    help = "Generate the event catalogue (docs/events.md, docs/asyncapi.json) from the payload models and the registry."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--check", action="store_true", help="Exit non-zero if either document is stale.")

    def handle(self, *args: Any, check: bool, **options: Any) -> None:
        docs = Path(settings.BASE_DIR) / "docs"
        if check:
            problems = stale(docs)
            if problems:
                raise CommandError(f"stale (run `manage.py event_catalogue`): {', '.join(problems)}")
            self.stdout.write("the event catalogue is current")
            return
        page = docs / "events.md"
        page.write_text(with_catalogue(page.read_text()))
        (docs / "asyncapi.json").write_text(asyncapi_json())
        self.stdout.write(f"wrote {page} and {docs / 'asyncapi.json'}")
