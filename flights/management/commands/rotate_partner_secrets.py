"""``rotate_partner_secrets``: re-encrypt every partner secret under the first of PARTNER_SECRET_KEYS."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from flights.models import Airline
from flights.secret_field import PartnerSecretUnreadable


class Command(BaseCommand):
    help = (
        "Re-encrypt every partner secret under the first key of PARTNER_SECRET_KEYS (after putting a new key "
        "first); the old key can be removed afterwards."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            with transaction.atomic():
                airlines = list(Airline.objects.select_for_update().exclude(secret=""))
                for airline in airlines:
                    airline.save(update_fields=["secret"])  # decrypted with any key, encrypted with the first
        except PartnerSecretUnreadable as unreadable:
            raise CommandError(f"{unreadable} Nothing was re-encrypted.") from None
        self.stdout.write(f"rotate_partner_secrets: {len(airlines)} secrets re-encrypted under the first key")
