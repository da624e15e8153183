"""Settings of the gate API benchmark's server: the project's settings plus the bench-only URLs."""

from airline.settings import *  # noqa: F403

ROOT_URLCONF = "bench.api_urls"
