"""``export_outcomes [--output PATH] [--include-drills]``: write the outcome document as JSON."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from scenarios.outcomes import build_outcomes


class Command(BaseCommand):
    help = "Write the outcome document (what happened to every passenger) as JSON, to stdout by default."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output", type=Path, metavar="PATH", help="write to PATH instead (replaced atomically, owner-only)"
        )
        parser.add_argument(
            "--include-drills", action="store_true", help="also the drills' disruptions and their effects (ADR 11)"
        )

    def handle(self, *args: Any, output: Path | None, include_drills: bool, **options: Any) -> None:
        text = json.dumps(build_outcomes(include_drills=include_drills), indent=2, ensure_ascii=False) + "\n"
        if output is None:
            self.stdout.write(text, ending="")
            return
        try:
            write_atomically(output, text)
        except OSError as exc:
            raise CommandError(f"Cannot write {output}: {exc.strerror or exc}") from None
        self.stdout.write(f"Wrote the outcomes to {output}")


def write_atomically(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` so readers see the old file or the whole new one, never a part.

    The file is readable by its owner only: it names passengers.
    """
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
