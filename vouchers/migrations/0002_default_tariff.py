"""The tariff row operators edit, with the regulation's defaults (EUR 10 per started 2 hours, 10 to 40)."""

from django.db import migrations


def create_default_tariff(apps, schema_editor):
    apps.get_model("vouchers", "VoucherTariff").objects.get_or_create(id=1)


class Migration(migrations.Migration):
    dependencies = [("vouchers", "0001_initial")]

    operations = [migrations.RunPython(create_default_tariff, migrations.RunPython.noop)]
