"""Fixtures of the tracing tests: an OTLP receiver and a partner airline, each a real local HTTP server."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from pytest_httpserver import HTTPServer

from tests.support.otlp import OtlpReceiver


@contextmanager
def _running() -> Iterator[HTTPServer]:
    server = HTTPServer(threaded=True)
    server.start()
    try:
        yield server
    finally:
        server.clear()
        if server.is_running():
            server.stop()


@pytest.fixture
def otlp() -> Iterator[OtlpReceiver]:
    """Where the processes of a test export their spans (``otlp.env(service)`` points a process at it)."""
    with _running() as server:
        yield OtlpReceiver(server)


@pytest.fixture
def partner_server() -> Iterator[HTTPServer]:
    """Two partner airlines' endpoints, ``/pa`` and ``/pb``, answering 200."""
    with _running() as server:
        for path in ("/pa", "/pb"):
            server.expect_request(path, method="POST").respond_with_json({})
        yield server
