"""WSGI entry point (gunicorn airline.wsgi): Django behind the flight API's fast lane (``flights.fast_lane``)."""

import os

from django.core.wsgi import get_wsgi_application

from observability import tracing

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "airline.settings")

tracing.configure("airline-web")  # before the application loads its middleware, which tracing adds to
application = get_wsgi_application()
if not tracing.is_on():  # a traced request's server span is made by the instrumentation's Django middleware
    from flights.fast_lane import FastLane

    application = FastLane(application)
