"""Models of the notifications app (filled by a later issue)."""
