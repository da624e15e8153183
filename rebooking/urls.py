"""Rebooking's passenger API (mounted under ``/api/v1/``)."""

from django.urls import path, re_path

from .api import ReaccommodationChoiceView, ReaccommodationView

urlpatterns = [
    path("bookings/<str:locator>/reaccommodation", ReaccommodationView.as_view(), name="reaccommodation"),
    re_path(
        r"^bookings/(?P<locator>[^/]+)/reaccommodation/(?P<choice>accept|decline|refund)$",
        ReaccommodationChoiceView.as_view(),
        name="reaccommodation-choice",
    ),
]
