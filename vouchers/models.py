"""Models of the vouchers app (filled by a later issue)."""
