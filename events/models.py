"""Models of the events app (filled by a later issue)."""
