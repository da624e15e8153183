"""Disruption reason codes (POLICY.md, "Compensation")."""

from __future__ import annotations

#: Extraordinary circumstances: no compensation is owed (care still is).
EXTRAORDINARY = {
    "WX": "Weather",
    "ATC": "Air traffic control",
    "SEC": "Security",
    "STRIKE-EXT": "Strike by third parties",
    "BIRD": "Bird strike",
    "MED": "Medical emergency on board",
}
#: Within the airline's control.
ORDINARY = {
    "TECH": "Technical fault",
    "CREW": "Crew",
    "OTHER": "Other",
}
REASONS: dict[str, str] = {**ORDINARY, **EXTRAORDINARY}
REASON_CHOICES: list[tuple[str, str]] = [(code, f"{code} — {label}") for code, label in REASONS.items()]
DEFAULT_REASON = "OTHER"


def is_extraordinary(reason: str) -> bool:
    """Whether a reason code is an extraordinary circumstance (no compensation)."""
    return reason in EXTRAORDINARY
