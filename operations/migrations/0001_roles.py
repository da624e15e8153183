"""Create the operators' groups: Operations controller, Customer service, Viewer (read only)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from operations.roles import ROLES, install_roles


def create_roles(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    install_roles(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
        ("flights", "0003_drill_run"),
        ("passengers", "0001_initial"),
        ("events", "0001_initial"),
        ("rebooking", "0001_reaccommodation"),
        ("vouchers", "0002_default_tariff"),
        ("lodging", "0002_hotel_stays"),
        ("compensation", "0001_initial"),
        ("notifications", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
