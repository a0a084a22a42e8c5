"""Territory selection on the snapshot arrays: communes within N km or N minutes of a commune,
communes whose centre lies inside a polygon (the lasso)."""

from __future__ import annotations

import numpy as np

from .aggregate import haversine_km
from .snapshot import Snapshot


def within_km(snapshot: Snapshot, code: str, km: float) -> np.ndarray:
    """Indices of communes whose centre is within ``km`` of the centre of ``code``
    (great-circle distance, centre to centre; the commune itself included)."""
    i = snapshot.index.get(code)
    if i is None:
        raise KeyError(code)
    d = haversine_km(snapshot.lon[i], snapshot.lat[i], snapshot.lon, snapshot.lat)
    return np.flatnonzero(np.nan_to_num(d, nan=np.inf) <= km)


def within_minutes(
    snapshot: Snapshot, code: str, minutes: float, detour_factor: float, speed_kmh: float
) -> np.ndarray:
    """Crow-fly travel-time approximation of ``engine.accessibility``: t = d × détour / vitesse."""
    return within_km(snapshot, code, minutes / 60.0 * speed_kmh / detour_factor)


def inside_polygon(snapshot: Snapshot, ring: list[tuple[float, float]]) -> np.ndarray:
    """Indices of communes whose centre (lon, lat) is inside the polygon ``ring`` (even-odd
    rule, vectorised over the communes; a loop over the polygon's few vertices only)."""
    if len(ring) < 3:
        return np.zeros(0, dtype=np.int64)
    xs = np.array([p[0] for p in ring], dtype=np.float64)
    ys = np.array([p[1] for p in ring], dtype=np.float64)
    x, y = snapshot.lon, snapshot.lat
    candidates = np.flatnonzero(
        (x >= xs.min()) & (x <= xs.max()) & (y >= ys.min()) & (y <= ys.max())
    )
    px, py = x[candidates], y[candidates]
    inside = np.zeros(candidates.size, dtype=bool)
    j = len(ring) - 1
    for i in range(len(ring)):
        crosses = (ys[i] > py) != (ys[j] > py)
        with np.errstate(divide="ignore", invalid="ignore"):
            xcross = (xs[j] - xs[i]) * (py - ys[i]) / (ys[j] - ys[i]) + xs[i]
        inside ^= crosses & (px < xcross)
        j = i
    return candidates[inside]
