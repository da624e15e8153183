"""Partner secrets encrypted at rest: a model field that stores Fernet tokens and hands out plain text.

The keys are ``settings.PARTNER_SECRET_KEYS`` (MultiFernet): the first encrypts, every one decrypts, so a
key is rotated by putting the new one first, running ``manage.py rotate_partner_secrets`` and then
dropping the old one. An empty secret (none set) is stored empty.
"""

from __future__ import annotations

import functools
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models


class PartnerSecretUnreadable(ImproperlyConfigured):
    """A stored partner secret that none of PARTNER_SECRET_KEYS decrypts: the configuration lost its key."""


@functools.cache
def _keyring(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key) for key in keys])


def encrypt(plain: str) -> str:
    """The Fernet token of ``plain`` under the first of PARTNER_SECRET_KEYS."""
    return _keyring(tuple(settings.PARTNER_SECRET_KEYS)).encrypt(plain.encode()).decode()


def decrypt(token: str) -> str:
    """The plain text of ``token``, decrypted with whichever of PARTNER_SECRET_KEYS encrypted it.

    Raises :class:`PartnerSecretUnreadable` when none did (the token itself is never put in the message).
    """
    try:
        return _keyring(tuple(settings.PARTNER_SECRET_KEYS)).decrypt(token.encode()).decode()
    except InvalidToken:
        raise PartnerSecretUnreadable(
            "A partner secret in the database cannot be decrypted with any of PARTNER_SECRET_KEYS: the key that "
            "encrypted it is missing. Add that key after the current one, run `manage.py rotate_partner_secrets`, "
            "then remove it."
        ) from None


class EncryptedSecretField(models.TextField):
    """Text kept as a Fernet token in the database and as plain text on the model (``max_length`` bounds the
    plain text, in forms and scenario checks)."""

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        return decrypt(value) if value else value

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        return encrypt(value) if value else value
