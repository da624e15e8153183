"""The operators' groups get the duties: everyone sees them, controllers and customer service waive them."""

from importlib import import_module

from django.db import migrations

# The same install as the first roles migration, run again now that the duty's permissions exist.
create_roles = import_module("operations.migrations.0001_roles").create_roles


class Migration(migrations.Migration):
    dependencies = [("operations", "0002_duties")]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
