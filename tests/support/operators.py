"""Operators in tests: a staff user of one of the operators' groups (the ``roles`` fixture creates them)."""

from __future__ import annotations

from django.contrib.auth.models import Group, User
from django.test import Client


def login(client: Client, role: str) -> User:
    """Log ``client`` in as a new staff user of the operators' group ``role``."""
    user = User.objects.create_user(role.replace(" ", "-"), password="x", is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    client.force_login(user)
    return user
