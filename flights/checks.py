"""Deployment checks of flights: delay drills allowed where real passengers would see them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Warning


def check_drills_in_production(app_configs: Iterable[Any] | None = None, **kwargs: Any) -> list[CheckMessage]:
    """``flights.W001`` when delay drills are allowed with production settings (HTTPS only)."""
    if not (settings.DRILLS_ALLOWED and settings.HTTPS_ONLY):
        return []
    return [
        Warning(
            "Delay drills are allowed (DRILLS_ALLOWED=true) with production settings (DJANGO_HTTPS=true): "
            "an enabled drill delays real flights that real passengers and clients see.",
            hint="Set DRILLS_ALLOWED=false unless this deployment is meant for drills.",
            id="flights.W001",
        )
    ]
