"""Evolution of the legal population between two vintages, aggregated from sums.

For a set of communes: ΣP(end) − ΣP(start) and the annual average rate
(ΣP(end) / ΣP(start))^(1 / (end − start)) − 1, over the communes known in both vintages —
never a mean of communal rates, so the rate of a union of territories is that of its summed
populations.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .snapshot import Snapshot


@dataclass(frozen=True)
class Evolution:
    debut: int
    fin: int
    population_debut: float
    population_fin: float
    communes: int  # communes known in both vintages

    @property
    def absolue(self) -> float:
        return self.population_fin - self.population_debut

    @property
    def taux_annuel(self) -> float | None:
        """Annual average rate in %, ``None`` when undefined (empty start or end)."""
        return annual_rate(self.population_debut, self.population_fin, self.fin - self.debut)


def annual_rate(start: float, end: float, years: int) -> float | None:
    if years <= 0 or not start or start <= 0 or end <= 0:
        return None
    return float(((end / start) ** (1.0 / years) - 1.0) * 100.0)


def _has_history(snapshot: Snapshot) -> bool:
    return bool(snapshot.pop_years) and snapshot.pop_history.shape == (
        snapshot.size,
        len(snapshot.pop_years),
    )


def vintages(snapshot: Snapshot, mask: np.ndarray) -> tuple[int, int] | None:
    """Oldest and newest vintages with a value for at least one commune of ``mask``; ``None``
    when fewer than two vintages are known for it."""
    if not _has_history(snapshot):
        return None
    known = np.isfinite(snapshot.pop_history[mask]).any(axis=0)
    years = np.asarray(snapshot.pop_years)[known]
    if years.size < 2:
        return None
    return int(years.min()), int(years.max())


def population_evolution(snapshot: Snapshot, mask: np.ndarray, start: int, end: int) -> Evolution:
    """Sums of the two vintages over the communes of ``mask`` known in both."""
    i0, i1 = snapshot.pop_years.index(start), snapshot.pop_years.index(end)
    rows = snapshot.pop_history[mask]
    p0, p1 = rows[:, i0], rows[:, i1]
    both = np.isfinite(p0) & np.isfinite(p1)
    return Evolution(
        start, end, float(p0[both].sum()), float(p1[both].sum()), int(np.count_nonzero(both))
    )
