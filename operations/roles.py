"""The operators' roles: which permissions each group holds (used by the roles data migration)."""

from __future__ import annotations

APPS = ("flights", "passengers", "events", "rebooking", "vouchers", "lodging", "compensation", "notifications")

#: (app label, codename) pairs beyond viewing everything.
ROLES: dict[str, list[tuple[str, str]]] = {
    # Disrupt flights, redeliver deliveries, resend partner and passenger messages.
    "Operations controller": [
        ("flights", "disrupt_flight"),
        ("events", "change_event"),
        ("events", "change_delivery"),
        ("notifications", "change_partnermessage"),
        ("notifications", "change_passengermessage"),
        ("notifications", "change_partner"),
        ("django_celery_beat", "change_periodictask"),
        ("django_celery_beat", "view_periodictask"),
    ],
    # Vouchers, stays, reaccommodations and passenger messages.
    "Customer service": [
        ("vouchers", "change_mealvoucher"),
        ("lodging", "change_hotelstay"),
        ("lodging", "change_unaccommodatedstay"),
        ("rebooking", "change_reaccommodation"),
        ("compensation", "change_entitlement"),
        ("notifications", "change_passengermessage"),
    ],
    "Viewer": [],
}
