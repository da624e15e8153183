"""The booking lookup's example answer in the OpenAPI schema: NV117 CDG→JFK cancelled, rebooked the next day."""

from __future__ import annotations

from typing import Any

_NOTICE = (
    "Dear Ada Smith,\n\nYour flight NV117/2026-11-25 from CDG to JFK is cancelled. This notice sets out your rights "
    "under Regulation (EC) No 261/2004 of the European Union (EU261): …"
)


def _leg(number: str, day: str, status: str, departs: str, arrives: str, gate: str | None) -> dict[str, Any]:
    """A flight as the lookup shows it: local times with their offsets, none estimated (and no gate) if cancelled."""
    cancelled = status == "cancelled"
    departure, arrival = f"{day}T{departs}:00+01:00", f"{day}T{arrives}:00-05:00"
    flight = {
        "flight": f"NV{number}",
        "date": day,
        "origin": "CDG",
        "destination": "JFK",
        "terminal": "2E",
        "gate": gate,
        "status": status,
        "scheduled_departure": departure,
        "estimated_departure": None if cancelled else departure,
        "updated_at": "2026-11-25T06:12:40.118302Z",
        "scheduled_arrival": arrival,
        "estimated_arrival": None if cancelled else arrival,
    }
    return {"cabin": "Y", "flight": flight}


_CANCELLED = _leg("117", "2026-11-25", "cancelled", "10:00", "12:40", None)
_NEXT_DAY = _leg("119", "2026-11-26", "scheduled", "09:30", "12:10", "K41")

BOOKING_EXAMPLE: dict[str, Any] = {
    "locator": "K7P2QD",
    "journey": [_NEXT_DAY],
    "reaccommodation": {
        "status": "rebooked",
        "cause": "cancelled",
        "disrupted_flight": "NV117/2026-11-25",
        "old": [_CANCELLED],
        "new": [_NEXT_DAY],
        "arrival_delay_minutes": 1410,
        "choices": ["accept", "decline", "refund"],
    },
    "refund": {"allowed": True, "refusal": None},
    "passengers": [
        {
            "first_name": "Ada",
            "last_name": "Smith",
            "meal_vouchers": [
                {
                    "code": "MV-7QK2-XP4M",
                    "amount": "40.00",
                    "currency": "EUR",
                    "status": "issued",
                    "airport": "CDG",
                    "flight": "NV117/2026-11-25",
                }
            ],
            "hotel_stays": [
                {"hotel": "Roissy Airport Hotel", "night": "2026-11-25", "airport": "CDG", "status": "booked"}
            ],
            "compensation": {
                "regime": "EU261",
                "amount": "600.00",
                "currency": "EUR",
                "status": "eligible",
                "reason": "long-haul, rerouted after a cancellation, arrived 1410 min late: EUR 600.00 "
                "(EU261 Art. 7(1)(c))",
            },
            "rights_notices": [
                {
                    "flight": "NV117/2026-11-25",
                    "regime": "EU261",
                    "subject": "Your rights under EU261: flight NV117/2026-11-25",
                    "text": _NOTICE,
                }
            ],
        }
    ],
}
