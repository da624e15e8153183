"""The operators' roles: which permissions each group holds (used by the roles data migration)."""

from __future__ import annotations

APPS = (
    "flights",
    "passengers",
    "events",
    "rebooking",
    "vouchers",
    "lodging",
    "compensation",
    "notifications",
    "operations",
)

#: (app label, codename) pairs beyond viewing everything.
ROLES: dict[str, list[tuple[str, str]]] = {
    # Disrupt flights, redeliver deliveries, resend partner and passenger messages, act on every duty (a hotel
    # booked by hand, a rebooking or a refund included).
    "Operations controller": [
        ("flights", "disrupt_flight"),
        ("events", "change_event"),
        ("events", "change_delivery"),
        ("notifications", "change_partnermessage"),
        ("notifications", "change_passengermessage"),
        ("notifications", "change_partner"),
        ("django_celery_beat", "change_periodictask"),
        ("django_celery_beat", "view_periodictask"),
        ("operations", "change_duty"),
        ("lodging", "change_hotelstay"),
        ("rebooking", "change_reaccommodation"),
    ],
    # Vouchers, stays, reaccommodations and passenger messages.
    "Customer service": [
        ("vouchers", "change_mealvoucher"),
        ("lodging", "change_hotelstay"),
        ("lodging", "change_unaccommodatedstay"),
        ("rebooking", "change_reaccommodation"),
        ("compensation", "change_entitlement"),
        ("notifications", "change_passengermessage"),
        ("operations", "change_duty"),
    ],
    "Viewer": [],
}


def install_roles(group_model: type, permission_model: type) -> None:
    """Create or update the groups with their permissions (the data migration's work; idempotent).

    Takes the models as arguments so the migration can pass its historical ones.
    """
    viewing = list(permission_model.objects.filter(content_type__app_label__in=APPS, codename__startswith="view_"))
    for name, extra in ROLES.items():
        group, _ = group_model.objects.get_or_create(name=name)
        wanted = list(viewing)
        for app_label, codename in extra:
            wanted += list(permission_model.objects.filter(content_type__app_label=app_label, codename=codename))
        group.permissions.set(wanted)
