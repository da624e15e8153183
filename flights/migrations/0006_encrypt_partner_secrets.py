"""Partner secrets encrypted in place under PARTNER_SECRET_KEYS (and decrypted back on reverse)."""

from collections.abc import Callable

from django.db import migrations, models

import flights.secret_field
from flights.secret_field import decrypt, encrypt


def _rewrite(schema_editor, transform: Callable[[str], str]) -> None:
    # Raw SQL: the historical model's field would already encrypt and decrypt.
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT code, secret FROM flights_airline WHERE secret <> ''")
        rows = cursor.fetchall()
        cursor.executemany(
            "UPDATE flights_airline SET secret = %s WHERE code = %s", [(transform(secret), code) for code, secret in rows]
        )


def encrypt_plain_secrets(apps, schema_editor) -> None:
    _rewrite(schema_editor, encrypt)


def decrypt_sealed_secrets(apps, schema_editor) -> None:
    _rewrite(schema_editor, decrypt)


class Migration(migrations.Migration):

    dependencies = [
        ('flights', '0005_drill_verdicts'),
    ]

    operations = [
        migrations.AlterField(
            model_name='airline',
            name='secret',
            field=flights.secret_field.EncryptedSecretField(blank=True, help_text='HMAC secret for partner messages (encrypted in the database).', max_length=200),
        ),
        migrations.RunPython(encrypt_plain_secrets, decrypt_sealed_secrets),
    ]
