"""Territory selection on the snapshot arrays: communes within N km or N minutes of a commune,
communes whose centre lies inside a polygon (the lasso)."""

from __future__ import annotations

import numpy as np
import shapely

from ..distances import great_circle_km
from .snapshot import Snapshot


def within_km(snapshot: Snapshot, code: str, km: float) -> np.ndarray:
    """Indices of communes whose centre is within ``km`` of the centre of ``code``
    (great-circle distance, centre to centre; the commune itself included)."""
    i = snapshot.index.get(code)
    if i is None:
        raise KeyError(code)
    d = great_circle_km(snapshot.lon[i], snapshot.lat[i], snapshot.lon, snapshot.lat)
    return np.flatnonzero(np.nan_to_num(d, nan=np.inf) <= km)


def within_minutes(
    snapshot: Snapshot, code: str, minutes: float, detour_factor: float, speed_kmh: float
) -> np.ndarray:
    """Crow-fly travel-time approximation of ``engine.accessibility``: t = d × détour / vitesse."""
    return within_km(snapshot, code, minutes / 60.0 * speed_kmh / detour_factor)


def inside_polygon(snapshot: Snapshot, ring: list[tuple[float, float]]) -> np.ndarray:
    """Indices of communes whose centre (lon, lat) is inside the polygon ``ring`` (the lasso).

    A lasso drawn by hand may cross itself: it is made valid first (a figure of eight becomes
    its two loops), so a centre is selected when it lies in a region the line encloses. A centre
    exactly on the line is not selected."""
    if len(ring) < 3:
        return np.zeros(0, dtype=np.int64)
    polygon = shapely.make_valid(shapely.Polygon(ring))
    located = np.flatnonzero(np.isfinite(snapshot.lon) & np.isfinite(snapshot.lat))
    inside = shapely.contains_xy(polygon, snapshot.lon[located], snapshot.lat[located])
    return located[inside]
