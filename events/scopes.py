"""Which rows a report covers: a scope narrows a queryset of any model (e.g. to leave drill effects out).

The outcome document's sections take one, so the apps that build them need not know what is left out.
"""

from __future__ import annotations

from typing import Protocol, TypeVar

from django.db.models import Model, QuerySet

M = TypeVar("M", bound=Model)


class RowScope(Protocol):
    """Narrows ``queryset`` to the rows a report covers."""

    def __call__(self, queryset: QuerySet[M], /) -> QuerySet[M]: ...


def every_row(queryset: QuerySet[M]) -> QuerySet[M]:
    """The scope that leaves nothing out."""
    return queryset
