"""The Operations Control admin site: Django's admin with a dashboard on its index page."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.template.response import TemplateResponse


class OperationsAdminSite(admin.AdminSite):
    site_header = "Operations Control"
    site_title = "Operations Control"
    index_title = "Today"
    # The app list is the dashboard's, one click away: the lists get the sidebar's width (1366 px screens).
    enable_nav_sidebar = False

    def index(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> TemplateResponse:
        from .dashboard import duties_by_kind, queues, todays_disruptions

        context = {
            "disruptions": todays_disruptions(),
            "duties_by_kind": duties_by_kind(),
            "queues": queues(),
            **(extra_context or {}),
        }
        return super().index(request, extra_context=context)
