"""The forms operators act on duties with: waive with a reason, book a hotel by hand."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from flights.models import Airport
from lodging.models import Hotel


class WaiveForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text="Kept with the duty, with your name: why nothing more is owed (e.g. a printed notice at the gate).",
    )


class BookHotelForm(forms.Form):
    """A hotel at the airport where the passengers are stranded, the night, and the hotel's confirmation."""

    hotel = forms.ModelChoiceField(queryset=Hotel.objects.none(), empty_label=None)
    night = forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="The night that begins that evening, local time.",
    )
    reference = forms.CharField(
        max_length=64, required=False, help_text="The hotel's confirmation reference, if it gave one."
    )

    def __init__(self, *args: Any, airport: Airport, night: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, initial={"night": night}, **kwargs)
        hotel = self.fields["hotel"]
        hotel.queryset = Hotel.objects.filter(airport=airport).order_by("rank", "code")  # type: ignore[attr-defined]
        hotel.help_text = f"Hotels at {airport.code}, in the operators' rank order."
