"""Scenario import and outcome export: the data contract (../shared/contract)."""
