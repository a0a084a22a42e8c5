"""Deterministic generators of the fictitious demo territory (no real data, works offline)."""
