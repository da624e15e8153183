"""Operations controllers act on every duty: book hotels by hand, rebook and refund (lodging's and rebooking's
change permissions)."""

from importlib import import_module

from django.db import migrations

# The same install as the first roles migration, run again with the controllers' new permissions.
create_roles = import_module("operations.migrations.0001_roles").create_roles


class Migration(migrations.Migration):
    dependencies = [
        ("operations", "0003_roles_see_and_waive_duties"),
        ("lodging", "0004_stays_booked_by_hand"),
        ("rebooking", "0001_reaccommodation"),
    ]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
