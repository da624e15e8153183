"""Requests to a WSGI application as a server makes them (the project's ``airline.wsgi`` stack, the fast lane in
front of Django), for tests of what ``django.test.Client`` does not pass through: it calls Django's handler."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from wsgiref.types import WSGIApplication
from wsgiref.util import setup_testing_defaults

from django.core.signals import request_finished, request_started
from django.db import close_old_connections


@dataclass(frozen=True)
class Answer:
    """A WSGI application's answer: status code, headers in the order sent, body."""

    status_code: int
    header_list: list[tuple[str, str]]
    content: bytes

    def __getitem__(self, name: str) -> str:
        return next(value for key, value in self.header_list if key.lower() == name.lower())

    def has_header(self, name: str) -> bool:
        return any(key.lower() == name.lower() for key, _ in self.header_list)

    def json(self) -> Any:
        return json.loads(self.content)


@dataclass(frozen=True)
class WSGIClient:
    """Sends requests from ``remote_addr`` to ``app`` with the environ a server would build."""

    app: WSGIApplication
    remote_addr: str = "203.0.113.7"

    def get(self, path: str, headers: dict[str, str] | None = None, **environ: str) -> Answer:
        """``GET path`` with ``headers`` (``If-None-Match``, ...) and environ values (``wsgi.url_scheme``, ...)."""
        return self.request("GET", path, headers, **environ)

    def request(self, method: str, path: str, headers: dict[str, str] | None = None, **environ: str) -> Answer:
        path, _, query = path.partition("?")
        request: dict[str, Any] = {"REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": query,
                                   "REMOTE_ADDR": self.remote_addr}  # fmt: skip
        for name, value in (headers or {}).items():
            request[f"HTTP_{name.upper().replace('-', '_')}"] = value
        request.update(environ)
        setup_testing_defaults(request)
        started: list[tuple[str, list[tuple[str, str]]]] = []

        def start_response(status: str, header_list: list[tuple[str, str]], exc_info: Any = None) -> Any:
            started.append((status, header_list))
            return lambda data: None

        with _test_transaction_kept():
            result = self.app(request, start_response)
            try:
                body = b"".join(result)
            finally:
                close = getattr(result, "close", None)
                if close is not None:
                    close()
        status, header_list = started[-1]
        return Answer(status_code=int(status.split()[0]), header_list=list(header_list), content=body)


@contextmanager
def _test_transaction_kept() -> Iterator[None]:
    """As ``django.test.Client`` does: Django's handler would close the test's database connection (in a transaction
    that is never committed) at the start and end of a request."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
