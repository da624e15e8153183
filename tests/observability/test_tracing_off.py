"""Tracing is opt-in (issue 19 item 3): with no ``OTEL_*`` variable neither the SDK's tracing nor an exporter is
loaded, no instrumentation patches anything and events carry no trace context; with one, every process kind
starts it. (redis-py imports the SDK's metrics package by itself when it is installed; that starts nothing.)"""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from observability import tracing
from tests.support.flows import publish_now
from tests.support.processes import ROOT, child_env

# What a web process and a Celery pool process start with: the WSGI module, then the pool's init signal.
PROBE = """
import json, sys
import airline.wsgi
from airline.celery import start_tracing
from django.conf import settings
from opentelemetry import trace
start_tracing()
print(json.dumps({
    "provider": type(trace.get_tracer_provider()).__name__,
    "tracing_sdk": any(m.startswith(("opentelemetry.sdk.trace", "opentelemetry.exporter")) for m in sys.modules),
    "instrumentations": sorted(m.split(".")[2] for m in sys.modules if m.count(".") == 2
                               and m.startswith("opentelemetry.instrumentation.")),
    "middleware": [m for m in settings.MIDDLEWARE if "opentelemetry" in m],
    "application": type(airline.wsgi.application).__name__,
}))
"""


def _probe(**otel: str) -> dict:
    env = {name: value for name, value in child_env().items() if not name.startswith("OTEL_")}
    done = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env={**env, **otel}, capture_output=True,
                          text=True, timeout=60, check=True)  # fmt: skip
    return json.loads(done.stdout.splitlines()[-1])


def test_with_no_otel_variable_nothing_is_initialised() -> None:
    assert _probe() == {
        "provider": "ProxyTracerProvider", "tracing_sdk": False, "instrumentations": [], "middleware": [],
        "application": "FastLane"}  # fmt: skip


def test_an_otlp_endpoint_starts_the_sdk_and_every_instrumentation() -> None:
    probed = _probe(OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:9", OTEL_BSP_SCHEDULE_DELAY="60000")
    assert (probed["provider"], probed["tracing_sdk"]) == ("TracerProvider", True)
    assert {"celery", "django", "httpx", "psycopg", "redis"} <= set(probed["instrumentations"])
    assert probed["middleware"], "the Django instrumentation's middleware is in place"
    # Every request reaches it: the fast lane (flights.fast_lane) stands aside, a hit would make no server span.
    assert probed["application"] == "WSGIHandler"


@pytest.mark.parametrize(
    ("environ", "on"),
    [
        ({}, False),
        ({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"}, True),
        ({"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://collector:4318/v1/traces"}, True),
        ({"OTEL_TRACES_EXPORTER": "console"}, True),
        ({"OTEL_TRACES_EXPORTER": "none", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"}, False),
        ({"OTEL_SDK_DISABLED": "true", "OTEL_TRACES_EXPORTER": "otlp"}, False),
    ],
)
def test_which_variables_switch_tracing_on(environ: dict[str, str], on: bool) -> None:
    assert tracing.enabled(environ) is on


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"OTEL_TRACES_EXPORTER": "zipkin"}, "OTEL_TRACES_EXPORTER: zipkin not supported (use otlp or console)"),
        ({"OTEL_TRACES_EXPORTER": "otlp", "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc"},
         "OTEL_EXPORTER_OTLP_PROTOCOL=grpc: only http/protobuf is installed"),
    ],
)  # fmt: skip
def test_an_exporter_that_is_not_installed_is_refused_before_anything_starts(
    environ: dict[str, str], message: str
) -> None:
    with pytest.raises(tracing.TracingMisconfigured, match=re.escape(message)):
        tracing.configure("airline-test", environ)
    assert not tracing.is_on()


@pytest.mark.django_db
def test_an_event_published_untraced_has_no_trace_context() -> None:
    assert publish_now("test.ping", n=1).trace_context == ""
