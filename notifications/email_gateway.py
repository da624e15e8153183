"""A Django email backend for a transactional email provider's HTTP API that honours ``Idempotency-Key``.

Each email is one JSON ``POST`` to ``EMAIL_GATEWAY_URL`` in the shape of Resend's ``POST /emails``
(``from``, ``to``, ``cc``, ``bcc``, ``reply_to``, ``subject``, ``text``, ``html``, ``headers``), with
``Authorization: Bearer EMAIL_GATEWAY_API_KEY`` and the email's ``Message-ID`` as its ``Idempotency-Key``.
Passenger messages carry a Message-ID that is the same on every send of the message
(``passenger_delivery.message_id_header``), so a send repeated after a worker died between the gateway's
acceptance and the ``done`` commit is answered from the gateway's record instead of being delivered again.
An email without a Message-ID of its own gets a fresh one, as over SMTP: only its own send is covered.

:meth:`EmailBackend.send_batch` sends up to ``BATCH_LIMIT`` emails in one ``POST`` to ``<EMAIL_GATEWAY_URL>/batch``
(Resend's ``POST /emails/batch``: a JSON array) under one ``Idempotency-Key`` the caller gives: the gateway
answers a repeat of the same emails under that key from its record, and refuses (``409``) the key with other
emails. Validation is permissive (``x-batch-validation: permissive``): an email the gateway refuses is listed
in the answer's ``errors`` by its index, and the others are sent.

Conventions of ``partner_http``: an http(s) URL only, bounded timeouts (``EMAIL_TIMEOUT``), no redirects
followed, an error answer reported as ``HTTP <status>: <first 200 characters>``.
"""

from __future__ import annotations

from collections.abc import Sequence
from email.utils import make_msgid
from typing import Any

import httpx
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.message import DNS_NAME

from . import partner_http

BATCH_LIMIT = 100
"""The most emails one batch request takes (Resend's limit)."""


class EmailGatewayError(Exception):
    """The gateway refused the email or could not be reached; the message says which and why."""


def idempotency_key(message: EmailMessage) -> str:
    """The key the gateway deduplicates on: the email's own ``Message-ID`` header."""
    for name, value in message.extra_headers.items():
        if name.lower() == "message-id":
            return str(value)
    return ""


def payload(message: EmailMessage, message_id: str) -> dict[str, Any]:
    """The JSON body of one email (Resend's field names); empty fields are left out. Attachments are refused:
    no message of this project has one, and leaving them out silently would send a different email."""
    if message.attachments:
        raise ValueError("the email gateway backend does not send attachments")
    html = [content for content, mimetype in getattr(message, "alternatives", []) if mimetype == "text/html"]
    headers = {k: str(v) for k, v in message.extra_headers.items() if k.lower() != "message-id"}
    body = {
        "from": message.from_email,
        "to": list(message.to),
        "cc": list(message.cc),
        "bcc": list(message.bcc),
        "reply_to": list(message.reply_to),
        "subject": message.subject,
        "text": message.body,
        "html": html[0] if html else "",
        "headers": headers | {"Message-ID": message_id},
    }
    return {name: value for name, value in body.items() if value}


class EmailBackend(BaseEmailBackend):
    """Sends each email as one idempotent POST to the gateway, or many in one batch (:meth:`send_batch`); raises
    :class:`EmailGatewayError` on a non-2xx answer, a timeout or a connection error (unless ``fail_silently``).
    """

    def __init__(
        self, fail_silently: bool = False, url: str | None = None, api_key: str | None = None, **kwargs: Any
    ) -> None:
        super().__init__(fail_silently=fail_silently, **kwargs)
        self.url = url or settings.EMAIL_GATEWAY_URL
        self.api_key = api_key or settings.EMAIL_GATEWAY_API_KEY
        if not partner_http.is_http_url(self.url):
            raise ImproperlyConfigured(f"EMAIL_GATEWAY_URL {self.url!r} is not an http/https URL")
        if not self.api_key:
            raise ImproperlyConfigured("EMAIL_GATEWAY_API_KEY is empty")
        self.client: httpx.Client | None = None

    def open(self) -> bool:
        """Open the HTTP client (one connection pool for a batch); True if this call opened it."""
        if self.client is not None:
            return False
        self.client = partner_http.client(
            httpx.Timeout(settings.EMAIL_TIMEOUT), headers={"Authorization": f"Bearer {self.api_key}"}
        )
        return True

    def close(self) -> None:
        """Close the HTTP client."""
        if self.client is not None:
            self.client.close()
            self.client = None

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        """Send each email in one POST; return how many the gateway accepted."""
        opened = self.open()
        sent = 0
        try:
            for message in email_messages:
                if message.recipients():
                    self._send(message)
                    sent += 1
        except EmailGatewayError:
            if not self.fail_silently:
                raise
        finally:
            if opened:
                self.close()
        return sent

    def send_batch(self, email_messages: Sequence[EmailMessage], key: str) -> list[str]:
        """Send the emails in one request keyed ``key``; return, in their order, why the gateway refused each
        (``""``: accepted). Raises :class:`EmailGatewayError` when the request as a whole fails (whatever
        ``fail_silently`` says: the caller needs to know), ``ValueError`` beyond ``BATCH_LIMIT`` emails."""
        if len(email_messages) > BATCH_LIMIT:
            raise ValueError(f"a batch takes at most {BATCH_LIMIT} emails, not {len(email_messages)}")
        emails = [
            payload(message, idempotency_key(message) or make_msgid(domain=DNS_NAME)) for message in email_messages
        ]
        opened = self.open()
        try:
            answer = self._post(
                f"{self.url}/batch", emails, {"Idempotency-Key": key, "x-batch-validation": "permissive"}
            )
        finally:
            if opened:
                self.close()
        try:
            refused = {int(error["index"]): str(error["message"]) for error in answer.json().get("errors") or []}
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            raise EmailGatewayError(f"unreadable answer: {answer.text[:200]}") from exc
        return [refused.get(index, "") for index in range(len(emails))]

    def _send(self, message: EmailMessage) -> None:
        message_id = idempotency_key(message) or make_msgid(domain=DNS_NAME)
        self._post(self.url, payload(message, message_id), {"Idempotency-Key": message_id})

    def _post(self, url: str, body: Any, headers: dict[str, str]) -> httpx.Response:
        """POST ``body`` as JSON; the answer if it is a success, else :class:`EmailGatewayError`."""
        assert self.client is not None  # noqa: S101 - opened by the caller
        try:
            response = self.client.post(url, json=body, headers=headers)
        except httpx.HTTPError as exc:
            raise EmailGatewayError(f"{type(exc).__name__}: {exc}") from exc
        if not response.is_success:
            raise EmailGatewayError(f"HTTP {response.status_code}: {response.text[:200]}")
        return response
