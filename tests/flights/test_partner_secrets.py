"""Partner secrets at rest: the database holds only Fernet tokens, a rotation keeps signing working, a missing
key fails loudly, and the migration encrypts the plain secrets already stored (and its reverse restores them)."""

from __future__ import annotations

from collections.abc import Iterator
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from pytest_httpserver import HTTPServer

from flights.models import Airline, Flight
from flights.secret_field import PartnerSecretUnreadable
from flights.services import delay_flight
from notifications import partner_delivery
from notifications.models import PartnerMessage
from notifications.signing import is_valid
from tests.support.flows import handle
from tests.support.notify import PA_SECRET, PB_SECRET, notify_network
from tests.support.schema import migrate_every_app_forward

OLD_KEY, NEW_KEY = Fernet.generate_key().decode(), Fernet.generate_key().decode()


def _stored(code: str) -> str:
    """The secret column of airline ``code`` as the database holds it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM flights_airline WHERE code = %s", [code])
        return cursor.fetchone()[0]


def _rotate() -> str:
    """What ``rotate_partner_secrets`` prints."""
    out = StringIO()
    call_command("rotate_partner_secrets", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_the_database_holds_no_plain_secret(tmp_path: Path, settings: Any) -> None:
    notify_network(tmp_path)  # through the scenario loader's bulk insert
    Airline.objects.create(code="PC", name="Partner C", endpoint="https://pc.example/", secret="pc-secret")
    stored = {code: _stored(code) for code in ("PA", "PB", "PC")}
    for code, plain in (("PA", PA_SECRET), ("PB", PB_SECRET), ("PC", "pc-secret")):
        assert plain not in stored[code]
        assert Fernet(settings.PARTNER_SECRET_KEYS[0]).decrypt(stored[code].encode()).decode() == plain
        assert Airline.objects.get(code=code).secret == plain
    assert _stored("NV") == "" and not Airline.objects.get(code="NV").secret  # no secret: nothing stored


@pytest.mark.django_db
def test_a_rotation_keeps_signing_working(tmp_path: Path, settings: Any, httpserver: HTTPServer) -> None:
    settings.PARTNER_SECRET_KEYS = [OLD_KEY]
    httpserver.expect_request("/pa", method="POST").respond_with_data("ok")
    notify_network(tmp_path, pa_endpoint=httpserver.url_for("/pa"))
    settings.PARTNER_SECRET_KEYS = [NEW_KEY, OLD_KEY]
    assert _rotate() == "rotate_partner_secrets: 2 secrets re-encrypted under the first key\n"
    settings.PARTNER_SECRET_KEYS = [NEW_KEY]  # the old key retired
    assert Fernet(NEW_KEY).decrypt(_stored("PA").encode()).decode() == PA_SECRET
    handle(delay_flight(flight=Flight.objects.get(number="117"), delay_minutes=120, reason="TECH"), "partners")
    message = PartnerMessage.objects.get(partner_id="PA")
    assert partner_delivery.send(message.id).status == "done"
    ((request, _),) = httpserver.log
    assert is_valid(request.get_data(), PA_SECRET, request.headers["X-Signature"])


@pytest.mark.django_db
def test_a_missing_key_fails_loudly_and_rotates_nothing(tmp_path: Path, settings: Any) -> None:
    settings.PARTNER_SECRET_KEYS = [OLD_KEY]
    notify_network(tmp_path)
    before = _stored("PA")
    settings.PARTNER_SECRET_KEYS = [NEW_KEY]
    with pytest.raises(PartnerSecretUnreadable, match="cannot be decrypted with any of PARTNER_SECRET_KEYS") as raised:
        Airline.objects.get(code="PA")
    assert before not in str(raised.value) and PA_SECRET not in str(raised.value)
    with pytest.raises(CommandError, match="Nothing was re-encrypted"):
        _rotate()
    assert _stored("PA") == before


# --- The migration ----------------------------------------------------------------------------------------

PLAIN = ("flights", "0005_drill_verdicts")
ENCRYPTED = ("flights", "0006_encrypt_partner_secrets")


def _migrate(target: tuple[str, str]) -> None:
    MigrationExecutor(connection).migrate([target])


@pytest.fixture
def plain_secrets(tmp_path: Path) -> Iterator[None]:
    """The notification network with flights migrated back to plain secrets; migrated forward afterwards."""
    notify_network(tmp_path)
    _migrate(PLAIN)
    try:
        yield
    finally:
        migrate_every_app_forward()


@pytest.mark.django_db(transaction=True)
def test_the_migration_encrypts_stored_secrets_in_place_and_its_reverse_restores_them(
    plain_secrets: None, settings: Any
) -> None:
    assert (_stored("PA"), _stored("PB"), _stored("NV")) == (PA_SECRET, PB_SECRET, "")  # reversed: plain
    _migrate(ENCRYPTED)
    keyring = Fernet(settings.PARTNER_SECRET_KEYS[0])
    assert keyring.decrypt(_stored("PA").encode()).decode() == PA_SECRET
    assert keyring.decrypt(_stored("PB").encode()).decode() == PB_SECRET
    assert _stored("NV") == ""
    assert Airline.objects.get(code="PB").secret == PB_SECRET
    _migrate(PLAIN)
    assert (_stored("PA"), _stored("PB"), _stored("NV")) == (PA_SECRET, PB_SECRET, "")
