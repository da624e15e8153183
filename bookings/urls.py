"""The booking lookup's URL (mounted under ``/api/v1/``)."""

from django.urls import path

from .api import BookingLookupView

urlpatterns = [path("bookings/lookup", BookingLookupView.as_view(), name="booking-lookup")]
