"""Where the territory is and what is around it: its population-weighted centre, the nearest
establishment of each class, the coordinated structures covering it."""

from __future__ import annotations

from collections import Counter

import numpy as np

from ..distances import great_circle_km
from .snapshot import Snapshot


def dominant(values: np.ndarray, weights: np.ndarray) -> str | None:
    """The value carrying the largest weight (the département, région of most inhabitants)."""
    if values.size == 0:
        return None
    counter: Counter = Counter()
    for value, weight in zip(values.tolist(), np.nan_to_num(weights).tolist(), strict=True):
        counter[value] += weight + 1e-9
    return counter.most_common(1)[0][0]


def weighted_centre(snapshot: Snapshot, idx: np.ndarray) -> tuple[float, float] | None:
    """Population-weighted centre of the communes (mean of 3D unit vectors, projected back)."""
    lon, lat = np.radians(snapshot.lon[idx]), np.radians(snapshot.lat[idx])
    weights = np.nan_to_num(snapshot.population[idx]) + 1e-9
    ok = np.isfinite(lon) & np.isfinite(lat)
    if not ok.any():
        return None
    w, lon, lat = weights[ok], lon[ok], lat[ok]
    x = np.sum(w * np.cos(lat) * np.cos(lon))
    y = np.sum(w * np.cos(lat) * np.sin(lon))
    z = np.sum(w * np.sin(lat))
    return (float(np.degrees(np.arctan2(y, x))), float(np.degrees(np.arctan2(z, np.hypot(x, y)))))


def nearest_establishments(snapshot: Snapshot, idx: np.ndarray, mask: np.ndarray) -> list[dict]:
    """For each establishment class: how many in the territory and the nearest one by
    great-circle distance from the population-weighted centre of the territory."""
    centre = weighted_centre(snapshot, idx)
    rows = []
    if snapshot.etab_class.size == 0:
        return rows
    located = np.isfinite(snapshot.etab_lon) & np.isfinite(snapshot.etab_lat)
    distances = np.full(snapshot.etab_class.size, np.inf)
    if centre is not None:
        distances[located] = great_circle_km(
            centre[0], centre[1], snapshot.etab_lon[located], snapshot.etab_lat[located]
        )
    inside = np.zeros(snapshot.etab_class.size, dtype=bool)
    known = snapshot.etab_commune >= 0
    inside[known] = mask[snapshot.etab_commune[known]]
    for c, classe in enumerate(snapshot.classes):
        of_class = np.flatnonzero(snapshot.etab_class == c)
        if of_class.size == 0:
            continue
        best = of_class[np.argmin(distances[of_class])]
        nearest = None
        if np.isfinite(distances[best]):
            commune = snapshot.etab_commune[best]
            nearest = {
                "nom": str(snapshot.etab_nom[best]),
                "commune": str(snapshot.noms[commune]) if commune >= 0 else "",
                "distance_km": round(float(distances[best]), 1),
                "dans_le_territoire": bool(inside[best]),
            }
        rows.append(
            {
                "classe": classe,
                "libelle": snapshot.class_labels.get(classe, classe),
                "nombre": int(inside[of_class].sum()),
                "plus_proche": nearest,
            }
        )
    return rows


def structures(snapshot: Snapshot, mask: np.ndarray) -> dict[str, list[dict]]:
    """MSP, centres de santé, CPTS (and ESP) whose siège or perimeter touches the territory."""
    out: dict[str, list[dict]] = {"MSP": [], "CDS": [], "CPTS": [], "ESP": []}
    if snapshot.pair_struct.size == 0:
        return out
    touching = mask[snapshot.pair_commune]
    hits = np.bincount(snapshot.pair_struct[touching], minlength=snapshot.struct_kind.size)
    sizes = np.bincount(snapshot.pair_struct, minlength=snapshot.struct_kind.size)
    for s in np.flatnonzero(hits):
        kind = str(snapshot.struct_kind[s])
        out.setdefault(kind, []).append(
            {
                "id": int(snapshot.struct_pk[s]),
                "identifiant": str(snapshot.struct_id[s]),
                "nom": str(snapshot.struct_nom[s]),
                "communes_dans_le_territoire": int(hits[s]),
                "communes_du_perimetre": int(sizes[s]),
                "relation": "présente" if hits[s] == sizes[s] else "chevauchante",
            }
        )
    for rows in out.values():
        rows.sort(key=lambda r: r["nom"])
    return out
