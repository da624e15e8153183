"""Compensation under EU261 and UK261 (Art. 5, 7): one record per passenger per journey (booking)."""
