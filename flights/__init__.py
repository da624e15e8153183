"""The flights app."""
