"""Models of the rebooking app (filled by a later issue)."""
