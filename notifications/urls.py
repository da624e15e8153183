"""URLs of notifications: the partner sandbox inbox."""

from django.urls import path

from .sandbox import partner_inbox

app_name = "notifications"
urlpatterns = [path("partners/<str:code>/", partner_inbox, name="partner-inbox")]
