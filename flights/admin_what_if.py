"""The what-if page of a flight (issue 15, ADR 10): preview several delays and the cancellation side by side,
changing nothing, then **Apply** one of them through the same service as Delay… and Cancel….

The form posts with htmx to the results partial (a "Computing…" indicator shows while each option's flow runs
and is rolled back); without JavaScript it posts to the page itself, which renders the same panel.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.views.decorators.http import require_POST

from airline import clock
from operations.what_if import (
    InvalidPreview,
    Option,
    OptionKind,
    PreviewBusy,
    PreviewFailed,
    WhatIf,
    apply_option,
    preview,
)
from operations.what_if.document import figure_rows
from operations.what_if.options import flight_problems, option_problems, problems_of

from .admin_disruptions import allowed_flight, recorded
from .models import Flight
from .reasons import DEFAULT_REASON, REASON_CHOICES
from .services import DisruptionError

PAGE_TEMPLATE = "admin/flights/flight/what_if.html"
PANEL_TEMPLATE = "admin/flights/flight/what_if_panel.html"


class WhatIfForm(forms.Form):
    """The options to preview for one flight; every problem with them, or with the flight, is a form error."""

    delays = forms.CharField(
        required=False,
        label="Delays (minutes)",
        help_text="Departure delays against the schedule, separated by commas: 120, 240, 360.",
    )
    cancel = forms.BooleanField(required=False, label="Cancellation", help_text="Preview cancelling the flight too.")
    reason = forms.ChoiceField(choices=REASON_CHOICES, initial=DEFAULT_REASON)

    def __init__(self, flight: Flight, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.flight = flight

    def clean_delays(self) -> list[int]:
        words = [word.strip() for word in self.cleaned_data["delays"].replace(";", ",").split(",") if word.strip()]
        wrong = [word for word in words if not re.fullmatch(r"-?[0-9]+", word)]
        if wrong:
            raise forms.ValidationError(f"not a whole number of minutes: {', '.join(wrong)}")
        return list(dict.fromkeys(int(word) for word in words))  # each delay once, in the order given

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if "delays" in cleaned:
            options = self._options(cleaned)
            if not options:
                self.add_error(None, "no option: give at least one delay, or tick Cancellation")
            for problem in option_problems(options) if options else []:  # (its own "no option" is the command's)
                self.add_error("delays", problem)
        for problem in flight_problems(self.flight):
            self.add_error(None, problem)
        return cleaned

    @property
    def options(self) -> list[Option]:
        """The options asked for, in the order of the columns (delays as given, then the cancellation)."""
        return self._options(self.cleaned_data)

    @staticmethod
    def _options(cleaned: dict[str, Any]) -> list[Option]:
        delays = [Option.delay(minutes) for minutes in cleaned["delays"]]
        return [*delays, Option.cancel()] if cleaned["cancel"] else delays


class ApplyForm(forms.Form):
    """One previewed option, as its column's Apply button posts it."""

    option = forms.ChoiceField(choices=[(kind.value, kind.value) for kind in OptionKind])
    minutes = forms.IntegerField(required=False)
    reason = forms.ChoiceField(choices=REASON_CHOICES)

    @property
    def chosen(self) -> Option:
        if self.cleaned_data["option"] == OptionKind.CANCEL:
            return Option.cancel()
        return Option.delay(self.cleaned_data["minutes"])


def what_if_urls(model_admin: admin.ModelAdmin) -> list[URLPattern]:
    """The page ``<flight id>/what-if/``, its htmx results partial and the Apply endpoint."""
    views: dict[str, tuple[str, Callable[..., HttpResponse]]] = {
        "what_if": ("what-if/", _page_view(model_admin)),
        "what_if_results": ("what-if/results/", require_POST(_results_view)),
        "what_if_apply": ("what-if/apply/", require_POST(_apply_view(model_admin))),
    }
    return [
        path(f"<int:pk>/{route}", model_admin.admin_site.admin_view(view), name=f"flights_flight_{name}")
        for name, (route, view) in views.items()
    ]


def _panel(request: HttpRequest, flight: Flight) -> dict[str, Any]:
    """The form and, when it was posted without a problem, the preview of its options (nothing is changed)."""
    form = WhatIfForm(flight, request.POST or None)
    what_if: WhatIf | None = None
    if request.method == "POST" and form.is_valid():
        try:
            what_if = preview(flight, form.options, reason=form.cleaned_data["reason"])
        except InvalidPreview as exc:
            for problem in exc.problems:
                form.add_error(None, problem)
        except (PreviewBusy, PreviewFailed) as exc:
            form.add_error(None, f"Nothing changed: {exc}")
    return {
        "flight": flight,
        "form": form,
        "what_if": what_if,
        "rows": figure_rows(what_if) if what_if else [],
        "computed_at": clock.now(),
    }


def _page_view(model_admin: admin.ModelAdmin) -> Callable[..., HttpResponse]:
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        flight = allowed_flight(request, pk)
        context = {
            **model_admin.admin_site.each_context(request),
            **_panel(request, flight),
            "title": f"What if… {flight}",
            "opts": Flight._meta,
        }
        return TemplateResponse(request, PAGE_TEMPLATE, context)

    return view


def _results_view(request: HttpRequest, pk: int) -> HttpResponse:
    return TemplateResponse(request, PANEL_TEMPLATE, _panel(request, allowed_flight(request, pk)))


def _apply_view(model_admin: admin.ModelAdmin) -> Callable[..., HttpResponse]:
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        flight = allowed_flight(request, pk)
        page = reverse("admin:flights_flight_what_if", args=[flight.pk])
        form = ApplyForm(request.POST)
        if not form.is_valid():
            messages.error(request, f"Nothing applied: not an option of the preview ({form.errors.as_text()})")
            return HttpResponseRedirect(page)
        option, reason = form.chosen, form.cleaned_data["reason"]
        # The flight may have been cancelled or have left since the preview: check again, as the service will.
        problems = problems_of(flight, [option], reason)
        if not problems:
            try:
                event = apply_option(flight, option, reason)
            except DisruptionError as exc:
                problems = [str(exc)]
            else:
                title = "Cancel" if option.kind == OptionKind.CANCEL else "Delay"
                change = f"What if… applied {option} ({reason})"
                return recorded(model_admin, request, flight, event, change, title=title)
        messages.error(request, f"Nothing applied ({option}): {'; '.join(problems)}")
        return HttpResponseRedirect(page)

    return view
