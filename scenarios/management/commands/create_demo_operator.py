"""``create_demo_operator``: the local demo's superuser, with a published password."""

from __future__ import annotations

import os
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

USERNAME = "operator"
PASSWORD = "airline-demo"  # noqa: S105 - published on purpose: the local demo's login


def demo_allowed() -> bool:
    """Whether this is the local demo: its SQLite database, or AIRLINE_DEMO=1 set on purpose."""
    return connection.vendor == "sqlite" or os.environ.get("AIRLINE_DEMO") == "1"


class Command(BaseCommand):
    help = f"Create or reset the local demo superuser {USERNAME!r} (local demo only)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not demo_allowed():
            raise CommandError(
                f"Refusing to create the demo superuser {USERNAME!r}: its password is published, and this "
                f"database ({connection.vendor}) is not the local SQLite demo. "
                "Set AIRLINE_DEMO=1 if this really is a throw-away demo database."
            )
        user_model = get_user_model()
        user, _ = user_model.objects.get_or_create(**{user_model.USERNAME_FIELD: USERNAME})
        user.is_active = user.is_staff = user.is_superuser = True
        user.set_password(PASSWORD)
        user.save()
        self.stdout.write(f"Demo login: {USERNAME} / {PASSWORD} (local demo only)")
