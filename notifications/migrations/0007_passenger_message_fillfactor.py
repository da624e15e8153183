"""Room on each page of the passenger messages' table for the two updates every message gets after it is written
(its claim, its outcome), so that PostgreSQL makes them HOT updates: the new version on the same page, none of
the table's six indexes touched. Only pages written from now on keep the room; nothing is rewritten."""

from django.db import migrations

TABLE = "notifications_passengermessage"


def keep_room(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE {TABLE} SET (fillfactor = 60)")


def fill_pages(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE {TABLE} RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [("notifications", "0006_gateway_batch")]
    operations = [migrations.RunPython(keep_room, fill_pages)]
