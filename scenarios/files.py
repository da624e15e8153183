"""Reading scenario files: JSON, optionally gzip-compressed (``.json.gz``)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

from .problems import InvalidScenario, Problem


def read_document(path: Path) -> Any:
    """The parsed JSON of ``path``, gunzipped when its name ends in ``.gz``."""
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rb") as stream:
            return json.load(stream)
    except json.JSONDecodeError as exc:
        raise InvalidScenario([Problem("", f"{path} is not valid JSON: {exc}")]) from exc
    except UnicodeDecodeError as exc:
        raise InvalidScenario([Problem("", f"{path} is not UTF-8 text: {exc}")]) from exc
    except (OSError, EOFError) as exc:  # a missing file, or a damaged or truncated gzip stream
        raise InvalidScenario([Problem("", f"cannot read {path}: {exc}")]) from exc
