"""The lodging app."""
