"""Test settings: the project's settings plus a test-only subscriber app, and short backbone timings."""

from airline.settings import *  # noqa: F403
from airline.settings import EVENTS_EXTRA_SUBSCRIBER_MODULES, INSTALLED_APPS

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
