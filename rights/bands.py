"""The distance bands of EU Regulation 261/2004, Art. 7(1): short, medium and long."""

from __future__ import annotations

from enum import StrEnum

from rights.geo import Sited, great_circle_km, in_eu261_area, in_uk261_area

#: Art. 7(1)(a): "flights of 1500 kilometres or less".
SHORT_MAX_KM = 1500
#: Art. 7(1)(b): "between 1500 and 3500 kilometres" — 3500 itself is still medium.
MEDIUM_MAX_KM = 3500


class Band(StrEnum):
    """A distance band; it sets care thresholds (Art. 6(1)) and compensation amounts (Art. 7(1))."""

    SHORT = "short"
    MEDIUM = "medium"
    LONG = "long"


def band_for_distance(distance_km: float, *, intra_eu: bool) -> Band:
    """The band of a great-circle distance; ``intra_eu``: both airports in EU/EEA/Swiss territory (under UK261:
    both in GB).

    Short up to and including 1500 km, medium up to and including 3500 km, and every intra-EU flight over
    1500 km is medium however long (Art. 7(1)(b)); long otherwise.
    """
    if distance_km <= SHORT_MAX_KM:
        return Band.SHORT
    if intra_eu or distance_km <= MEDIUM_MAX_KM:
        return Band.MEDIUM
    return Band.LONG


def band_between(origin: Sited, destination: Sited, *, uk261: bool = False) -> Band:
    """The band between two airports: a flight's own (care), or a whole journey's (compensation).

    For a journey pass the first segment's origin and the final destination: connections do not add up
    (C-559/16 Bossen). Under UK261 (``uk261``) "intra-EU over 1500 km" reads "within GB over 1500 km".
    """
    inside = in_uk261_area if uk261 else in_eu261_area
    intra_area = inside(origin.country) and inside(destination.country)
    return band_for_distance(great_circle_km(origin, destination), intra_eu=intra_area)
