"""The vouchers app."""
