"""The events app."""
