"""Security hardening: production settings pass ``check --deploy``, the local demo keeps plain http, every admin
form needs its CSRF token, and partner secrets show nowhere."""

from __future__ import annotations

import json
import logging
import os
import secrets
import subprocess
import sys
from collections.abc import Iterator
from io import StringIO
from typing import Any
from uuid import uuid4

import pytest
from cryptography.fernet import Fernet
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from django.urls import URLPattern, URLResolver

from flights.models import Airline, Flight
from flights.services import delay_flight
from notifications import partner_delivery
from notifications.models import PartnerMessage
from tests.factories import AirlineFactory, FlightFactory
from tests.support.flows import handle
from tests.support.notify import PA_SECRET, notify_network

PRODUCTION = {
    "DJANGO_HTTPS": "true",
    "DJANGO_BEHIND_PROXY": "true",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "DJANGO_ALLOWED_HOSTS": "ops.novair.example",
    "PARTNER_SECRET_KEYS": Fernet.generate_key().decode(),
}
DEMO_SECRET_KEY = "insecure-local-demo-key-change-me-0123456789abcdefghijklmnopqrstuv"
DEMO_PARTNER_SECRET_KEY = "x14J7XU4h1k_hXGTs5tvlITmyC3We0ne8RavIbzJu3w="
CSRF_FAILURE = "CSRF verification failed"


# --- Settings ---------------------------------------------------------------------------------------------


def manage(*args: str, **environment: str) -> subprocess.CompletedProcess[str]:
    """Run ``manage.py`` on the project's own settings with no DJANGO_* variable but ``environment``."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.update(environment, DJANGO_SETTINGS_MODULE="airline.settings")
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def settings_of(**environment: str) -> dict[str, Any]:
    """The security settings the project starts with under ``environment``."""
    names = [
        "DEBUG", "SECRET_KEY", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_HSTS_PRELOAD", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_PROXY_SSL_HEADER",
    ]  # fmt: skip
    code = (
        f"import json; from django.conf import settings as s; print(json.dumps({{n: getattr(s, n) for n in {names}}}))"
    )
    result = manage("shell", "--no-imports", "-c", code, **environment)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


def test_production_settings_pass_the_deploy_check() -> None:
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_settings_are_https_only_behind_the_proxy() -> None:
    assert settings_of(**PRODUCTION) == {
        "DEBUG": False,
        "SECRET_KEY": PRODUCTION["DJANGO_SECRET_KEY"],
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31_536_000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": True,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
    }


def test_the_local_defaults_serve_plain_http_without_debug() -> None:
    assert settings_of() == {
        "DEBUG": False,
        "SECRET_KEY": DEMO_SECRET_KEY,
        "SECURE_SSL_REDIRECT": False,
        "SECURE_HSTS_SECONDS": 0,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": False,
        "SECURE_HSTS_PRELOAD": False,
        "SESSION_COOKIE_SECURE": False,
        "CSRF_COOKIE_SECURE": False,
        "SECURE_PROXY_SSL_HEADER": None,
    }


@pytest.mark.parametrize("key", [None, DEMO_SECRET_KEY], ids=["unset", "demo-key"])
def test_production_refuses_to_start_without_a_secret_key_of_its_own(key: str | None) -> None:
    environment = {**PRODUCTION, "DJANGO_SECRET_KEY": key} if key else PRODUCTION.copy()
    if key is None:
        del environment["DJANGO_SECRET_KEY"]
    result = manage("check", **environment)
    assert result.returncode != 0
    assert "ImproperlyConfigured: DJANGO_HTTPS=true needs DJANGO_SECRET_KEY" in result.stderr


@pytest.mark.parametrize("keys", [None, DEMO_PARTNER_SECRET_KEY], ids=["unset", "demo-key"])
def test_production_refuses_to_start_without_partner_secret_keys_of_its_own(keys: str | None) -> None:
    environment = {**PRODUCTION, "PARTNER_SECRET_KEYS": keys} if keys else PRODUCTION.copy()
    if keys is None:
        del environment["PARTNER_SECRET_KEYS"]
    result = manage("check", **environment)
    assert result.returncode != 0
    assert "ImproperlyConfigured: DJANGO_HTTPS=true needs PARTNER_SECRET_KEYS" in result.stderr


def test_a_malformed_partner_secret_key_is_refused_at_start_naming_its_position() -> None:
    result = manage("check", PARTNER_SECRET_KEYS=f"{Fernet.generate_key().decode()},not-a-key")
    assert result.returncode != 0
    assert "PARTNER_SECRET_KEYS: key 2 is not a Fernet key" in result.stderr and "not-a-key" not in result.stderr


@pytest.mark.django_db
def test_an_operator_logs_in_over_plain_http_locally(client: Client) -> None:
    User.objects.create_user("controller", password="correct-horse-9", is_staff=True)
    response = client.post(
        "/admin/login/", {"username": "controller", "password": "correct-horse-9", "next": "/admin/"}
    )
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert not response.cookies[settings.SESSION_COOKIE_NAME]["secure"]
    assert client.get("/admin/").status_code == 200


# --- CSRF -------------------------------------------------------------------------------------------------


@pytest.fixture
def csrf_client(admin_user: User) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)
    return client


def _admin_patterns(patterns: list[URLPattern | URLResolver]) -> Iterator[URLPattern]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _admin_patterns(pattern.url_patterns)
        else:
            yield pattern


def test_no_admin_view_is_exempt_from_csrf_checks() -> None:
    patterns = list(_admin_patterns(admin.site.get_urls()))
    assert len(patterns) > 100
    assert [p.name for p in patterns if getattr(p.callback, "csrf_exempt", False)] == []


@pytest.mark.django_db
def test_admin_forms_refuse_a_post_without_its_csrf_token(csrf_client: Client) -> None:
    partner = AirlineFactory(code="PA", name="Partner Air", own=False, endpoint="https://pa.example/", secret="s")
    flight = FlightFactory(gate="B32")
    before = list(Flight.objects.values())
    posts = {
        "change form": (f"/admin/flights/airline/{partner.pk}/change/", {"name": "Renamed", "endpoint": ""}),
        "changelist action": (
            "/admin/flights/airline/", {"action": "delete_selected", "_selected_action": [partner.pk], "post": "yes"}
        ),
        "delay": (f"/admin/flights/flight/{flight.pk}/delay/", {"minutes": "120", "reason": "TECH"}),
        "cancel": (f"/admin/flights/flight/{flight.pk}/cancel/", {"reason": "TECH"}),
        "gate": (f"/admin/flights/flight/{flight.pk}/gate/", {"gate": "C7", "terminal": ""}),
        "password change": ("/admin/password_change/", {"old_password": "password", "new_password1": "x" * 20,
                                                        "new_password2": "x" * 20}),
    }  # fmt: skip
    for what, (url, data) in posts.items():
        response = csrf_client.post(url, data)
        assert (response.status_code, CSRF_FAILURE in response.content.decode()) == (403, True), what
    assert list(Flight.objects.values()) == before
    assert Airline.objects.get(pk=partner.pk).name == "Partner Air"
    assert not flight.events.exists()
    assert csrf_client.get("/admin/").status_code == 200, "still logged in with the old password"


@pytest.mark.django_db
def test_the_login_form_refuses_a_post_without_its_csrf_token(admin_user: User) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/admin/login/", {"username": admin_user.username, "password": "password"})
    assert response.status_code == 403 and CSRF_FAILURE in response.content.decode()
    assert client.get("/admin/").status_code == 302, "not logged in"


# --- Partner secrets --------------------------------------------------------------------------------------


@pytest.fixture
def partner_message(db: None, tmp_path: Any, settings: Any) -> PartnerMessage:
    """The notification network after a delay of NV117: the message to PA, not sent yet."""
    settings.CACHES = {"default": {**settings.CACHES["default"], "KEY_PREFIX": f"test-{uuid4().hex}"}}
    notify_network(tmp_path)
    handle(delay_flight(flight=Flight.objects.get(number="117"), delay_minutes=120, reason="TECH"), "partners")
    return PartnerMessage.objects.get(partner_id="PA")


def _page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_partner_secrets_show_in_no_history_export_api_or_log(
    partner_message: PartnerMessage, admin_client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    rotations = {
        "/admin/flights/airline/PA/": "rotated-in-flights-4d1f",
        "/admin/notifications/partner/PA/": "rotated-in-notifications-7c3a",
    }
    for admin_page, secret in rotations.items():
        form = {"name": "Partner Air", "endpoint": "http://127.0.0.1:9/pa", "own": "", "secret": secret}
        assert admin_client.post(f"{admin_page}change/", form).status_code == 302
    with caplog.at_level(logging.DEBUG):
        # The endpoint refuses the connection: an attempt with an error, to be retried.
        assert partner_delivery.send(partner_message.id).status == "failed"
    histories = [_page(admin_client, f"{admin_page}history/") for admin_page in rotations]
    assert all("Changed secret." in history for history in histories)
    pages = [
        _page(admin_client, url)
        for url in (f"/admin/notifications/partnermessage/{partner_message.id}/change/", "/admin/",
                    "/api/v1/flights/PA2231/2026-11-25", "/api/schema/")
    ]  # fmt: skip
    out = StringIO()
    call_command("export_outcomes", stdout=out)
    assert '"partner": "PA"' in out.getvalue()
    assert "partner message" in caplog.text
    for text in [*histories, *pages, out.getvalue(), caplog.text]:
        assert PA_SECRET not in text and all(secret not in text for secret in rotations.values())
