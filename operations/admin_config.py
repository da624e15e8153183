"""Django's admin app with the Operations Control site as ``admin.site`` (listed in INSTALLED_APPS)."""

from django.contrib.admin.apps import AdminConfig


class OperationsAdminConfig(AdminConfig):
    default_site = "operations.admin_site.OperationsAdminSite"
