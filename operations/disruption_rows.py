"""The rows of one disruption (its root event) in any console list, and the ``?root=<uuid>`` list filter.

The disruption page counts rows with :func:`of_disruption` and links to changelists filtered by
:class:`RootFilter`, which applies the same function: a figure and the list it links to cannot disagree.
"""

from __future__ import annotations

import uuid
from typing import Any, TypeVar

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse

from events.models import Event

M = TypeVar("M", bound=Model)


def flow_q(model: type[Model], **event_lookups: Any) -> Q:
    """The rows of ``model`` whose flow's events match ``event_lookups`` (``root_id=…``, ``drill=True``): through
    its own ``root``, its event, or else (vouchers, hotel stays, which keep no event) a flight disrupted by such
    an event."""
    fields = {field.name for field in model._meta.get_fields()}
    for link in ("root", "event"):
        if link in fields:
            return Q(**{f"{link}__{lookup}": value for lookup, value in event_lookups.items()})
    return Q(flight_id__in=Event.objects.filter(flight__isnull=False, **event_lookups).values("flight_id"))


def of_disruption(queryset: QuerySet[M], root_id: uuid.UUID | str) -> QuerySet[M]:
    """The rows of ``queryset`` that belong to the disruption whose root event is ``root_id``."""
    return queryset.filter(flow_q(queryset.model, root_id=root_id))


def disruption_list_url(model: type[Model], root_id: uuid.UUID, **lookups: str) -> str:
    """The admin changelist of ``model`` filtered to one disruption, and to ``lookups`` (e.g. status__exact)."""
    query = "&".join(f"{key}={value}" for key, value in {"root": root_id, **lookups}.items())
    opts = model._meta
    return f"{reverse(f'admin:{opts.app_label}_{opts.model_name}_changelist')}?{query}"


class RootFilter(admin.SimpleListFilter):
    """``?root=<root event id>``: the rows of one disruption (the disruption page's figures link here)."""

    title = "disruption"
    parameter_name = "root"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        # Offered only once chosen (from a disruption page): a filter without choices would not be applied.
        value = self.value()
        return [(value, f"the disruption {value[:8]}…")] if value else []

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        if not value:
            return queryset
        try:
            root_id = uuid.UUID(value)
        except ValueError as exc:  # the changelist turns this into its "incorrect lookup" message
            raise IncorrectLookupParameters(f"{value!r} is not a disruption id") from exc
        return of_disruption(queryset, root_id)
