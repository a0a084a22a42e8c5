"""Distance-decay functions: travel time (minutes) → weight in [0, 1].

A decay function is any picklable callable taking a numpy array of minutes and returning an
array of weights of the same shape, with a ``max_minutes`` attribute: the catchment edge,
beyond which every weight is 0. The engine only keeps pairs with ``t <= max_minutes``.

Catchment-edge inclusivity is explicit: a time exactly equal to a band limit belongs to that
band (``t <= limit``), so with bands {10: 1, 15: 2/3, 20: 1/3}, 10 min weighs 1, 15 min weighs
2/3, 20 min weighs 1/3 and 20.0001 min weighs 0.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping

import numpy as np

from maillage.engine import parameters


class StepDecay:
    """Step (band) decay: weight ``w_k`` for ``limit_{k-1} < t <= limit_k``, 0 beyond.

    Parameters
    ----------
    bands : mapping of float to float
        Upper band limit in minutes → weight. Limits must be positive and distinct, weights in
        [0, 1]; the first band starts at 0 minute (included).
    """

    def __init__(self, bands: Mapping[float, float]):
        if not isinstance(bands, Mapping) or not bands:
            raise ValueError(
                "bands : un dictionnaire non vide {borne en minutes: poids} est attendu"
            )
        items = sorted((float(k), float(v)) for k, v in bands.items())
        limits = np.array([k for k, _ in items])
        weights = np.array([v for _, v in items])
        if not np.all(np.isfinite(limits)) or limits[0] < 0:
            raise ValueError(f"bands : bornes invalides {limits.tolist()} (positives attendues)")
        if np.any((weights < 0) | (weights > 1)) or not np.all(np.isfinite(weights)):
            raise ValueError(f"bands : poids invalides {weights.tolist()} (entre 0 et 1 attendus)")
        self.limits = limits
        self.weights = weights
        # Index len(limits) means "beyond the last limit": weight 0.
        self._table = np.append(weights, 0.0)

    @property
    def max_minutes(self) -> float:
        return float(self.limits[-1])

    def __call__(self, minutes: np.ndarray) -> np.ndarray:
        minutes = np.asarray(minutes, dtype=np.float64)
        # side="left" returns the first k with minutes <= limits[k]: inclusive upper limits.
        return self._table[np.searchsorted(self.limits, minutes, side="left")]

    def __repr__(self) -> str:
        bands = ", ".join(f"{k:g}: {v:.6g}" for k, v in zip(self.limits, self.weights, strict=True))
        return f"StepDecay({{{bands}}})"


class GaussianDecay:
    """Gaussian decay ``exp(-t² / (2 σ²))`` for ``t <= max_minutes``, 0 beyond.

    Parameters
    ----------
    sigma : float
        Width in minutes (> 0).
    max_minutes : float
        Catchment edge in minutes (inclusive).
    normalised : bool
        When true, use the form of Dai (2010): ``(g(t) - g(d0)) / (1 - g(d0))`` which reaches 0
        at the edge ``d0 = max_minutes`` instead of jumping to 0.
    """

    def __init__(self, sigma: float, max_minutes: float, normalised: bool = False):
        if not (sigma > 0 and math.isfinite(sigma)):
            raise ValueError(f"sigma : réel strictement positif attendu (lu : {sigma})")
        if not (max_minutes >= 0 and math.isfinite(max_minutes)):
            raise ValueError(f"max_minutes : réel positif attendu (lu : {max_minutes})")
        self.sigma = float(sigma)
        self._max = float(max_minutes)
        self.normalised = bool(normalised)

    @property
    def max_minutes(self) -> float:
        return self._max

    def __call__(self, minutes: np.ndarray) -> np.ndarray:
        minutes = np.asarray(minutes, dtype=np.float64)
        g = np.exp(-0.5 * (minutes / self.sigma) ** 2)
        if self.normalised:
            edge = math.exp(-0.5 * (self._max / self.sigma) ** 2)
            g = (g - edge) / (1.0 - edge) if edge < 1 else np.ones_like(g)
        return np.where(minutes <= self._max, g, 0.0)

    def __repr__(self) -> str:
        return f"GaussianDecay(sigma={self.sigma:g}, max_minutes={self._max:g})"


def step_decay(bands: Mapping[float, float]) -> StepDecay:
    """Step decay from ``{upper limit in minutes: weight}`` (limits inclusive)."""
    return StepDecay(bands)


def gaussian_decay(sigma: float, max_minutes: float, normalised: bool = False) -> GaussianDecay:
    """Gaussian decay of width ``sigma`` minutes cut at ``max_minutes`` (inclusive)."""
    return GaussianDecay(sigma, max_minutes, normalised)


def catchment(max_minutes: float) -> StepDecay:
    """Binary catchment of the original 2SFCA: weight 1 for ``t <= max_minutes``, else 0."""
    return StepDecay({max_minutes: 1.0})


def apl_decay(on: dt.date | None = None) -> StepDecay:
    """APL step decay in force on ``on`` (see parameter ``apl.decay.steps``)."""
    return StepDecay(parameters.value("apl.decay.steps", on))


def parse_bands(text: str) -> StepDecay:
    """Parse ``"10:1,15:0.6667,20:0.3333"`` (or ``2/3`` fractions) into a step decay."""
    from fractions import Fraction

    bands = {}
    for part in text.split(","):
        if not part.strip():
            continue
        try:
            limit, weight = part.split(":")
            bands[float(limit)] = float(Fraction(weight.strip()))
        except (ValueError, ZeroDivisionError) as exc:
            raise ValueError(
                f"paliers : « {part.strip()} » illisible (attendu : borne:poids, par exemple 10:1)"
            ) from exc
    return StepDecay(bands)


def max_minutes_of(decay) -> float:
    """Catchment edge of a decay function, with a clear error if it has none."""
    edge = getattr(decay, "max_minutes", None)
    if edge is None or not math.isfinite(float(edge)):
        raise ValueError(
            "decay : la fonction de décroissance doit avoir un attribut max_minutes fini "
            "(bord du bassin, en minutes)"
        )
    return float(edge)
