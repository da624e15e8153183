"""The rebooking app."""
