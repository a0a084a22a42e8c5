"""ACI CPTS: indicators of a mission and their achievement rate.

Each indicator has a baseline (rate 0), an objective (rate 1), optional intermediate levels and
yearly objectives negotiated in the contract. The rate of a contract year is what the variable
part pays and what the dashboards show: :meth:`Indicator.achievement` is the one place it is
computed.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ..common import dec


@dataclass(frozen=True)
class Level:
    """An intermediate level: reaching ``value`` earns ``rate`` of the indicator."""

    value: Decimal
    rate: Decimal


@dataclass(frozen=True)
class Indicator:
    code: str
    weight: Decimal
    baseline: Decimal
    objective: Decimal
    levels: tuple[Level, ...] = ()
    results: Mapping[int, Decimal] = field(default_factory=dict)  # contract year → result
    mode: str = "lineaire"  # or "paliers"
    label: str = ""
    # Yearly objectives negotiated in the contract (contract year → objective); a year without
    # one uses ``objective`` (the objective at the end of the contract).
    objectives: Mapping[int, Decimal] = field(default_factory=dict)

    def objective_for(self, year: int) -> Decimal:
        return self.objectives.get(year, self.objective)

    def levels_for(self, year: int) -> tuple[Level, ...]:
        """Intermediate levels usable against the objective of ``year``: those strictly
        between the baseline and that objective (a yearly objective below a level drops it)."""
        goal = self.objective_for(year)
        lo, hi = min(self.baseline, goal), max(self.baseline, goal)
        return tuple(lv for lv in self.levels if lo < lv.value < hi)

    def achievement(self, year: int, result: Any = None) -> Decimal:
        """Achievement rate of contract year ``year`` for ``result`` (default: the result
        recorded for that year), against that year's objective and levels."""
        if result is None:
            result = self.results[year]
        return achievement_rate(
            self.baseline, self.objective_for(year), result, self.levels_for(year), self.mode
        )


def achievement_rate(
    baseline: Any,
    objective: Any,
    result: Any,
    levels: Sequence[Level] = (),
    mode: str = "lineaire",
) -> Decimal:
    """Achievement rate in [0, 1] of ``result`` between ``baseline`` (0) and ``objective`` (1).

    ``levels`` are intermediate (value, rate) points. ``lineaire``: piecewise-linear between
    (baseline, 0), the levels and (objective, 1). ``paliers``: the rate of the highest point
    reached (baseline 0, levels, objective 1). Works for decreasing indicators (objective below
    baseline). Capped to 0..1.
    """
    base, goal, res = dec(baseline), dec(objective), dec(result)
    if base == goal:
        raise ValueError("indicateur : l'objectif doit différer de la valeur initiale")
    sign = 1 if goal > base else -1
    # Progress measured in the direction of the objective.
    points = [(Decimal(0), Decimal(0))]
    for level in levels:
        points.append((sign * (dec(level.value) - base), dec(level.rate)))
    points.append((sign * (goal - base), Decimal(1)))
    points.sort()
    for (x0, y0), (x1, y1) in itertools.pairwise(points):
        if x1 <= x0 or y1 < y0:
            raise ValueError(
                "indicateur : paliers incohérents (valeurs strictement entre la valeur initiale "
                "et l'objectif, taux croissants entre 0 et 1)"
            )
    progress = sign * (res - base)
    if progress <= 0:
        return Decimal(0)
    if progress >= points[-1][0]:
        return Decimal(1)
    if mode == "paliers":
        reached = [y for x, y in points if x <= progress]
        return reached[-1]
    if mode != "lineaire":
        raise ValueError(f"indicateur : mode {mode!r} inconnu (lineaire ou paliers)")
    for (x0, y0), (x1, y1) in itertools.pairwise(points):
        if x0 <= progress <= x1:
            rate = y0 + (y1 - y0) * (progress - x0) / (x1 - x0)
            return min(Decimal(1), max(Decimal(0), rate))
    return Decimal(1)  # pragma: no cover - unreachable
