"""Meal voucher codes: random, unguessable, easy to read out and type (``MV-7QK2-XP4M``)."""

from __future__ import annotations

import secrets

#: 32 symbols (5 bits each) without the look-alikes 0/O and 1/I.
ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
PREFIX = "MV"
GROUPS = 2
GROUP_LENGTH = 4
_SYMBOL = "[2-9A-HJ-NP-Z]"
CODE_REGEX = rf"^{PREFIX}(-{_SYMBOL}{{{GROUP_LENGTH}}}){{{GROUPS}}}$"


def new_code() -> str:
    """A fresh code from the operating system's CSPRNG: 40 random bits, so codes cannot be guessed."""
    groups = ("".join(secrets.choice(ALPHABET) for _ in range(GROUP_LENGTH)) for _ in range(GROUPS))
    return "-".join((PREFIX, *groups))
