"""Vectorised aggregation of numerators and denominators over sets of communes.

Ratios are always Σ numerators / Σ denominators × facteur (never a mean of ratios);
pre-computed ratios (APL) are weighted by population: Σ (ratio × population) / Σ population.
"""

from __future__ import annotations

import numpy as np


def masked_sum(values: np.ndarray, mask: np.ndarray) -> float:
    """Σ values over a boolean mask, NaN-safe (NaN = unknown, counted as 0)."""
    selected = np.asarray(values, dtype=np.float64)[mask]
    return float(np.nansum(selected))


def ratio(numerator: float, denominator: float, facteur: float = 1.0) -> float | None:
    if denominator is None or not np.isfinite(denominator) or denominator <= 0:
        return None
    if numerator is None or not np.isfinite(numerator):
        return None
    return float(numerator) / float(denominator) * facteur


def weighted_mean(values: np.ndarray, weights: np.ndarray) -> float | None:
    values = np.asarray(values, dtype=np.float64)
    weights = np.asarray(weights, dtype=np.float64)
    known = np.isfinite(values) & np.isfinite(weights) & (weights > 0)
    total = weights[known].sum()
    if total <= 0:
        return None
    return float((values[known] * weights[known]).sum() / total)


def group_counts(
    groups: np.ndarray, n_groups: int, weights: np.ndarray | None = None
) -> np.ndarray:
    """Count (or sum ``weights``) per group code in ``[0, n_groups)``."""
    return np.bincount(np.asarray(groups, dtype=np.int64), weights=weights, minlength=n_groups)


def haversine_km(lon1, lat1, lon2, lat2) -> np.ndarray:
    """Great-circle distances (km, sphere of radius 6 371 km), broadcasting."""
    lon1, lat1, lon2, lat2 = (
        np.radians(np.asarray(a, dtype=np.float64)) for a in (lon1, lat1, lon2, lat2)
    )
    a = (
        np.sin((lat2 - lat1) / 2) ** 2
        + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * np.arcsin(np.minimum(1.0, np.sqrt(a)))
