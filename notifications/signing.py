"""Signing partner message bodies: ``X-Signature: sha256=<hex HMAC-SHA256 of the raw body>``."""

from __future__ import annotations

import hashlib
import hmac

PREFIX = "sha256="


def signature(body: bytes, secret: str) -> str:
    """The ``X-Signature`` header value of ``body`` under ``secret``."""
    return PREFIX + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def is_valid(body: bytes, secret: str, header: str) -> bool:
    """Whether ``header`` is the signature of ``body`` under ``secret`` (constant-time comparison)."""
    return bool(secret) and hmac.compare_digest(signature(body, secret).encode(), header.encode())
