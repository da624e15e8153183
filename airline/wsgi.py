"""WSGI entry point (gunicorn airline.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

from observability import tracing

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "airline.settings")

tracing.configure("airline-web")  # before the application loads its middleware, which tracing adds to
application = get_wsgi_application()
