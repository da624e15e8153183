"""Sending SMS through a pluggable backend (``settings.SMS_BACKEND``), shaped like Django's email backends."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class SmsMessage:
    """One text message to one phone number; ``reference`` is the sender's id for it (the same on a resend)."""

    to: str
    body: str
    reference: str = ""


class BaseSmsBackend:
    """A connection to an SMS gateway: open it once, send many messages, close it.

    None of these backends (a file, a list) delivers a text sent again with the same ``reference`` only once: a
    repeat is a second text, so the sender writes each text's outcome durably as soon as it is sent
    (``passenger_delivery``). Only a backend whose gateway deduplicates may offer ``send_batch``, as the
    email gateway does.
    """

    def __init__(self, **options: Any) -> None:
        self.options = options

    def open(self) -> None:
        """Open the connection (nothing to do for backends without one)."""

    def close(self) -> None:
        """Close the connection."""

    def __enter__(self) -> BaseSmsBackend:
        self.open()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def send_messages(self, messages: Sequence[SmsMessage]) -> int:
        """Send the messages; return how many were sent. Raise when the gateway refuses."""
        raise NotImplementedError


class FileBackend(BaseSmsBackend):
    """Appends each message as a JSON line to the ``file_path`` option, else ``settings.SMS_FILE_PATH`` (the local
    demo's gateway)."""

    def send_messages(self, messages: Sequence[SmsMessage]) -> int:
        path = Path(self.options.get("file_path") or settings.SMS_FILE_PATH)
        path.parent.mkdir(parents=True, exist_ok=True)
        sent_at = timezone.now().isoformat()
        with path.open("a", encoding="utf-8") as log:
            for message in messages:
                log.write(json.dumps({"sent_at": sent_at, **asdict(message)}) + "\n")
        return len(messages)


outbox: list[SmsMessage] = []


class LocmemBackend(BaseSmsBackend):
    """Keeps sent messages in :data:`outbox` (for tests)."""

    def send_messages(self, messages: Sequence[SmsMessage]) -> int:
        outbox.extend(messages)
        return len(messages)


def get_backend(path: str | None = None, **options: Any) -> BaseSmsBackend:
    """An instance of the configured SMS backend (or of the one at dotted ``path``)."""
    return import_string(path or settings.SMS_BACKEND)(**options)
