"""Scheduled delay drills: what a drill's JSON kwargs mean, checked, and which flights it delays (pure)."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .reasons import REASONS
from .services import MAX_DELAY_MINUTES

DEFAULTS: dict[str, Any] = {
    "probability": 0.1,
    "min_delay": 30,
    "max_delay": 240,
    "airports": [],
    "carrier": "",
    "horizon_hours": 6,
    "reason": "OTHER",
    "seed": 0,
    "time_limit_seconds": 900,
    "restore": False,
}
MAX_TIME_LIMIT_SECONDS = 86_400


class InvalidDrill(ValueError):
    """Drill kwargs with problems; ``problems`` lists every one."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class DrillSpec:
    """A drill: each flight departing within ``horizon_hours`` (optionally only from ``airports`` or of
    ``carrier``) is delayed with ``probability`` by ``min_delay``–``max_delay`` minutes for ``reason``;
    ``seed`` makes a drill reproducible. Its verdict expects every flow it starts to finish within
    ``time_limit_seconds``; with ``restore`` the delayed flights are put back on schedule once judged."""

    probability: float
    min_delay: int
    max_delay: int
    airports: tuple[str, ...]
    carrier: str
    horizon_hours: int
    reason: str
    seed: int
    time_limit_seconds: int
    restore: bool


def _int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def parse_drill(kwargs: Any) -> DrillSpec:
    """Check drill kwargs (missing keys take DEFAULTS); raise :class:`InvalidDrill` listing every problem."""
    if not isinstance(kwargs, dict):
        raise InvalidDrill(["the kwargs must be a JSON object"])
    problems = [f"unknown key {key!r}" for key in kwargs if key not in DEFAULTS]
    merged = {**DEFAULTS, **kwargs}
    probability = merged["probability"]
    if not isinstance(probability, int | float) or isinstance(probability, bool) or not 0 <= probability <= 1:
        problems.append("probability must be a number from 0 to 1")
    for key in ("min_delay", "max_delay"):
        if not _int(merged[key]) or not 0 <= merged[key] <= MAX_DELAY_MINUTES:
            problems.append(f"{key} must be a whole number of minutes from 0 to {MAX_DELAY_MINUTES}")
    if _int(merged["min_delay"]) and _int(merged["max_delay"]) and merged["min_delay"] > merged["max_delay"]:
        problems.append("min_delay must not exceed max_delay")
    airports = merged["airports"]
    if not isinstance(airports, list) or not all(isinstance(a, str) and len(a) == 3 for a in airports):
        problems.append("airports must be a list of 3-letter IATA codes")
    if not isinstance(merged["carrier"], str) or len(merged["carrier"]) not in (0, 2):
        problems.append("carrier must be a 2-character airline code or empty")
    if not _int(merged["horizon_hours"]) or not 1 <= merged["horizon_hours"] <= 72:
        problems.append("horizon_hours must be a whole number from 1 to 72")
    if merged["reason"] not in REASONS:
        problems.append(f"reason must be one of {', '.join(REASONS)}")
    if not _int(merged["seed"]):
        problems.append("seed must be a whole number")
    if not _int(merged["time_limit_seconds"]) or not 1 <= merged["time_limit_seconds"] <= MAX_TIME_LIMIT_SECONDS:
        problems.append(f"time_limit_seconds must be a whole number from 1 to {MAX_TIME_LIMIT_SECONDS}")
    if not isinstance(merged["restore"], bool):
        problems.append("restore must be true or false")
    if problems:
        raise InvalidDrill(problems)
    return DrillSpec(
        probability=float(probability),
        min_delay=merged["min_delay"],
        max_delay=merged["max_delay"],
        airports=tuple(a.upper() for a in airports),
        carrier=merged["carrier"].upper(),
        horizon_hours=merged["horizon_hours"],
        reason=merged["reason"],
        seed=merged["seed"],
        time_limit_seconds=merged["time_limit_seconds"],
        restore=merged["restore"],
    )


def choose_delays(spec: DrillSpec, flight_ids: Sequence[int], *, slot: int) -> dict[int, int]:
    """Which of ``flight_ids`` the drill delays and by how many minutes; the same for the same seed and slot."""
    rng = random.Random(f"{spec.seed}:{slot}")  # noqa: S311 - a drill, not a secret
    chosen = {}
    for flight_id in sorted(flight_ids):
        if rng.random() < spec.probability:
            chosen[flight_id] = rng.randint(spec.min_delay, spec.max_delay)
    return chosen
