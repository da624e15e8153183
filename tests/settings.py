"""Test settings: the project's settings plus a test-only subscriber app, and short backbone timings."""

import os
from urllib.parse import urlsplit


def _own_redis_database() -> None:
    """Under pytest-xdist each worker (gw0, gw1, …) takes a Redis database of its own, below the configured one,
    as pytest-django gives it a test database of its own; the processes a test starts inherit it as it is."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if worker and "AIRLINE_TEST_REDIS_OWN" not in os.environ:
        url = urlsplit(os.environ["REDIS_URL"])
        database = int(url.path.strip("/") or 0) - int(worker.removeprefix("gw"))
        os.environ["REDIS_URL"] = url._replace(path=f"/{database}").geturl()
        os.environ["AIRLINE_TEST_REDIS_OWN"] = "1"


_own_redis_database()

from airline.settings import *  # noqa: E402, F403
from airline.settings import EVENTS_EXTRA_SUBSCRIBER_MODULES, INSTALLED_APPS  # noqa: E402

INSTALLED_APPS = [*INSTALLED_APPS, "tests.support"]
EVENTS_EXTRA_SUBSCRIBER_MODULES = [*EVENTS_EXTRA_SUBSCRIBER_MODULES, "tests.support.subscribers"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Pages link static files; the manifest storage would need a collectstatic the suite does not run.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405

# Short backbone timings so fault tests finish in seconds (the worker processes use these settings too).
EVENTS_LEASE_SECONDS = 3.0
EVENTS_RETRY_BASE_SECONDS = 0.2
EVENTS_RETRY_CAP_SECONDS = 1.0
EVENTS_MAX_ATTEMPTS = 3
EVENTS_REDISPATCH_SECONDS = 5.0
EVENTS_REDISPATCH_MAX_SECONDS = 30.0
EVENTS_RELAY_GRACE_SECONDS = 1.0
