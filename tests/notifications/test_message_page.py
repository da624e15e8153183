"""In real headless Chromium: the console's page of a passenger message shows the email as the passenger got it."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core import mail
from playwright.sync_api import Browser, expect

from flights.models import Flight
from flights.services import delay_flight
from notifications import passenger_delivery
from notifications.models import PassengerMessage
from tests.support.browser import logged_in, operator, screenshot
from tests.support.flows import run_subscriber
from tests.support.notify import notify_network

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_operator_reads_a_notice_of_rights_as_it_was_sent(
    live_server, roles: None, browser: Browser, tmp_path: Path, settings
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    operator("viewer", "Viewer")
    notify_network(tmp_path)
    run_subscriber(delay_flight(flight=Flight.objects.get(number="117"), delay_minutes=150), "notifications")
    notice = PassengerMessage.objects.filter(kind="rights_notice", channel="email").order_by("id").first()
    assert passenger_delivery.send_batch([notice.id])["done"] >= 1
    (email,) = [e for e in mail.outbox if e.extra_headers["Message-ID"] == passenger_delivery.message_id_header(notice)]

    page = logged_in(browser, live_server.url, "viewer")
    page.goto(f"{live_server.url}/admin/notifications/passengermessage/{notice.pk}/change/")
    shown = page.locator(".field-text .readonly")
    expect(shown.locator("strong")).to_have_text(email.subject)
    assert shown.locator("pre").inner_text().rstrip("\n") == email.body.rstrip("\n"), "the body, line for line"
    screenshot(page, "passenger-message")
    page.close()
