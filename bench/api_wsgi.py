"""The gate API benchmark's baseline server: Django's own WSGI handler with ``bench.api_settings``, nothing in front
(the project's ``airline.wsgi`` puts the flight API's fast lane there)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.api_settings")
application = get_wsgi_application()
