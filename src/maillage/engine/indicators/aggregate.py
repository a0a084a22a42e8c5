"""Aggregation of commune values over a territory: one rule per kind of indicator.

Every rule is a ratio of sums over the communes of the territory, never a mean of ratios:

- ``somme`` — a count: Σ numerators × facteur;
- ``ratio`` — a rate, a share or a density: Σ numerators / Σ denominators × facteur, over the
  communes whose denominator is known;
- ``moyenne_ponderee`` — a value already per inhabitant in each commune (the APL): the
  population-weighted mean Σ (value × population) / Σ population. The registry stores it as
  numerator = value × population and denominator = population (so that merged communes add
  up), and the territory value is then Σ numerators / Σ denominators × facteur.
"""

from __future__ import annotations

import numpy as np

SOMME = "somme"
RATIO = "ratio"
MOYENNE_PONDEREE = "moyenne_ponderee"
AGGREGATIONS = (SOMME, RATIO, MOYENNE_PONDEREE)


def ratio(numerator: float, denominator: float, facteur: float = 1.0) -> float | None:
    if denominator is None or not np.isfinite(denominator) or denominator <= 0:
        return None
    if numerator is None or not np.isfinite(numerator):
        return None
    return float(numerator) / float(denominator) * facteur


def aggregate(
    kind: str, numerator: float, denominator: float | None, facteur: float
) -> float | None:
    """Territory value of an indicator of ``kind`` from its summed numerator and denominator."""
    if kind == SOMME:
        return float(numerator) * facteur
    if kind in (RATIO, MOYENNE_PONDEREE):
        return ratio(numerator, denominator, facteur)
    raise ValueError(
        f"règle d'agrégation inconnue : {kind!r} (attendu : {', '.join(AGGREGATIONS)})"
    )
