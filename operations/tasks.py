"""Celery tasks of operations (thin): the duties' periodic review (beat)."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from . import services


@shared_task(name="operations.review_duties", ignore_result=True)
def review_duties() -> dict[str, Any]:
    """Meet the notices of rights that were sent; flag open duties past their due time as overdue."""
    return services.review()
