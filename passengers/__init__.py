"""The passengers app."""
