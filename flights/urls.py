"""The flight API's URLs (mounted under ``/api/v1/``)."""

from django.urls import path

from .api import FlightGateView, FlightStatusView

urlpatterns = [
    path("flights/<str:designator>/<str:date>", FlightStatusView.as_view(), name="flight-status"),
    path("flights/<str:designator>/<str:date>/gate", FlightGateView.as_view(), name="flight-gate"),
]
