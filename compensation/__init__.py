"""Compensation entitlements under EU261 (Art. 5, 7): one record per passenger per disrupted flight."""
