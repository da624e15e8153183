"""Admin login throttling (django-axes): a username is locked out from one address after too many failures."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-9"
HERE, ELSEWHERE, PROXY = "192.0.2.10", "198.51.100.20", "203.0.113.5"


@pytest.fixture(autouse=True)
def operators() -> None:
    for name in ("controller", "agent"):
        User.objects.create_user(name, password=PASSWORD, is_staff=True)


def log_in(username: str, password: str = PASSWORD, address: str = HERE, **headers: Any) -> Any:
    """POST the admin login form from ``address`` (a fresh client each time: a new browser, same machine)."""
    data = {"username": username, "password": password, "next": "/admin/"}
    return Client().post("/admin/login/", data, REMOTE_ADDR=address, **headers)


def logged_in(response: Any) -> bool:
    return response.status_code == 302 and response["Location"] == "/admin/"


def fail(times: int, username: str = "controller", address: str = HERE, **headers: Any) -> list[int]:
    return [log_in(username, "wrong", address, **headers).status_code for _ in range(times)]


def test_too_many_wrong_passwords_lock_out_even_the_right_one() -> None:
    limit = settings.AXES_FAILURE_LIMIT
    assert fail(limit) == [200] * (limit - 1) + [429], "the form again, then the lockout"
    response = log_in("controller")
    assert response.status_code == 429
    page = response.content.decode()
    assert "Operations Control" in page and "Login locked" in page and "<strong>controller</strong>" in page
    assert f"locked for {settings.AXES_COOLOFF_TIME.seconds // 60} minutes" in page
    assert "wrong" not in AccessAttempt.objects.get().post_data, "the password typed is not kept"


def test_a_lockout_leaves_other_users_and_other_addresses_alone() -> None:
    fail(settings.AXES_FAILURE_LIMIT)
    assert log_in("controller").status_code == 429
    assert logged_in(log_in("agent")), "another operator at the same address"
    assert logged_in(log_in("controller", address=ELSEWHERE)), "the same operator at another workstation"


def test_behind_trusted_proxies_the_address_the_proxy_saw_counts(settings: Any) -> None:
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    fail(settings.AXES_FAILURE_LIMIT, address=PROXY, HTTP_X_FORWARDED_FOR=HERE)
    assert log_in("controller", address=PROXY, HTTP_X_FORWARDED_FOR=HERE).status_code == 429
    assert logged_in(log_in("controller", address=PROXY, HTTP_X_FORWARDED_FOR=ELSEWHERE)), "another proxied client"


def test_a_forged_forwarded_address_does_not_escape_a_lockout() -> None:
    fail(settings.AXES_FAILURE_LIMIT)
    assert log_in("controller", HTTP_X_FORWARDED_FOR=ELSEWHERE).status_code == 429


def test_a_login_before_the_limit_works_and_forgets_the_failures() -> None:
    below = settings.AXES_FAILURE_LIMIT - 1
    assert fail(below) == [200] * below
    assert logged_in(log_in("controller"))
    assert fail(below) == [200] * below, "counting starts again after a successful login"
    assert logged_in(log_in("controller"))


def test_an_administrator_lifts_a_lockout_in_the_admin(admin_client: Client) -> None:
    fail(settings.AXES_FAILURE_LIMIT)
    attempt = AccessAttempt.objects.get(username="controller")
    changelist = admin_client.get("/admin/axes/accessattempt/?locked_out=yes").content.decode()
    assert "Operations Control" in changelist and "controller" in changelist
    lift = {"action": "delete_selected", "_selected_action": [attempt.pk], "post": "yes"}
    assert admin_client.post("/admin/axes/accessattempt/", lift).status_code == 302
    assert logged_in(log_in("controller"))


def test_an_administrator_lifts_a_lockout_with_a_command() -> None:
    fail(settings.AXES_FAILURE_LIMIT)
    call_command("axes_reset_ip_username", HERE, "controller", stdout=StringIO())
    assert logged_in(log_in("controller"))
