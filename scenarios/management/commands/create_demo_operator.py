"""``create_demo_operator``: the local demo's logins, with published passwords: an Operations controller (the
role-limited screens an operator works in) and, separately, a superuser for administration."""

from __future__ import annotations

import os
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from operations.roles import install_roles

USERNAME = "operator"
PASSWORD = "airline-demo"  # noqa: S105 - published on purpose: the local demo's login
ADMIN_USERNAME = "admin"
ADMIN_PASSWORD = "airline-admin"  # noqa: S105 - published on purpose: the local demo's administration login
ROLE = "Operations controller"


def demo_allowed() -> bool:
    """Whether this is the local demo: its SQLite database, or AIRLINE_DEMO=1 set on purpose."""
    return connection.vendor == "sqlite" or os.environ.get("AIRLINE_DEMO") == "1"


class Command(BaseCommand):
    help = f"Create or reset the local demo's {ROLE} {USERNAME!r} and superuser {ADMIN_USERNAME!r} (local demo only)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not demo_allowed():
            raise CommandError(
                f"Refusing to create the demo logins {USERNAME!r} and {ADMIN_USERNAME!r}: their passwords are "
                f"published, and this database ({connection.vendor}) is not the local SQLite demo. "
                "Set AIRLINE_DEMO=1 if this really is a throw-away demo database."
            )
        install_roles(Group, Permission)
        operator = _user(USERNAME, PASSWORD, superuser=False)
        operator.groups.set([Group.objects.get(name=ROLE)])
        _user(ADMIN_USERNAME, ADMIN_PASSWORD, superuser=True)
        self.stdout.write(f"Demo login: {USERNAME} / {PASSWORD} (local demo only) — an {ROLE}")
        self.stdout.write(f"Administration: {ADMIN_USERNAME} / {ADMIN_PASSWORD} (superuser, local demo only)")


def _user(username: str, password: str, *, superuser: bool) -> Any:
    """Create or reset a staff user with ``password``."""
    user_model = get_user_model()
    user, _ = user_model.objects.get_or_create(**{user_model.USERNAME_FIELD: username})
    user.is_active = user.is_staff = True
    user.is_superuser = superuser
    user.set_password(password)
    user.save()
    return user
