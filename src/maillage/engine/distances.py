"""Distances on the Earth taken as a sphere: the one radius and the one great-circle formula
the diagnosis (« within N km / N minutes »), the nearest establishments and the APL crow-fly
travel times share, so that they cannot disagree at the edge of a catchment."""

from __future__ import annotations

from typing import Any

import numpy as np

EARTH_RADIUS_KM = 6371.0088  # IUGG mean Earth radius


def great_circle_km(lon1: Any, lat1: Any, lon2: Any, lat2: Any) -> np.ndarray:
    """Great-circle distances in km between points in decimal degrees (haversine formula,
    numpy broadcasting: a point against an array of points, or two arrays)."""
    lon1, lat1, lon2, lat2 = (
        np.radians(np.asarray(a, dtype=np.float64)) for a in (lon1, lat1, lon2, lat2)
    )
    h = (
        np.sin((lat2 - lat1) / 2) ** 2
        + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(h)))


def unit_vectors(latitude: Any, longitude: Any) -> np.ndarray:
    """3-D unit vectors of points given in degrees, shape (n, 3): a k-d tree on them finds
    the pairs within a great-circle distance (chord ↔ angle is monotonic)."""
    lat = np.radians(np.asarray(latitude, dtype=np.float64))
    lon = np.radians(np.asarray(longitude, dtype=np.float64))
    cos_lat = np.cos(lat)
    return np.column_stack([cos_lat * np.cos(lon), cos_lat * np.sin(lon), np.sin(lat)])


def angle_from_chord(chord: Any) -> np.ndarray:
    """Central angle (radians) subtended by a chord of the unit sphere."""
    return 2.0 * np.arcsin(np.minimum(np.asarray(chord, dtype=np.float64) / 2.0, 1.0))
