"""Root URL configuration."""

from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from airline.api_base import UnknownEndpointView
from observability.views import metrics

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("flights.urls")),
    path("api/v1/", include("rebooking.urls")),
    path("api/v1/", include("bookings.urls")),
    path("sandbox/", include("notifications.urls")),
    path("metrics", metrics, name="metrics"),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="schema", template_name="api/redoc.html"), name="redoc"),
    re_path(r"^api/", UnknownEndpointView.as_view()),  # last: every other /api/ URL is a 404 in the API's shape
]
