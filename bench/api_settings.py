"""Settings of the gate API benchmark's baseline server: the project's settings with only the baseline's URL
and middlewares (``SecurityMiddleware`` and ``CommonMiddleware``, as issue 20 defines the baseline)."""

from airline.settings import *  # noqa: F403

ROOT_URLCONF = "bench.api_urls"
MIDDLEWARE = ["django.middleware.security.SecurityMiddleware", "django.middleware.common.CommonMiddleware"]
