"""« What if » simulations: change the supply of a few communes, rank candidate communes.

The catchment demand ``D_j`` does not depend on supply, so changing ``S_j`` for ``j ∈ J``
changes only ``R_j`` for ``j ∈ J``, hence only ``A_i`` for origins ``i`` with ``W_ij > 0`` for
some ``j ∈ J``. Those rows are recomputed in full (same order of summation as a full run), so
the incremental result is bit-for-bit equal to a full recompute.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp

from maillage.engine import parameters

from .fca import _vector, supply_ratio


@dataclass
class AccessibilityState:
    """Everything needed to update an E2SFCA result incrementally.

    Attributes
    ----------
    weights : csr_matrix, shape (n_origins, n_destinations)
    demand : ndarray, shape (n_origins,)
    supply : ndarray, shape (n_destinations,)
    catchment_demand : ndarray, shape (n_destinations,)
        ``D_j``.
    ratio : ndarray, shape (n_destinations,)
        ``R_j``.
    accessibility : ndarray, shape (n_origins,)
        ``A_i``.
    """

    weights: sp.csr_matrix
    demand: np.ndarray
    supply: np.ndarray
    catchment_demand: np.ndarray
    ratio: np.ndarray
    accessibility: np.ndarray


def prepare(weights: sp.csr_matrix, demand: Any, supply: Any) -> AccessibilityState:
    """Full E2SFCA computation kept with its intermediate vectors."""
    weights = sp.csr_matrix(weights)
    weights.sort_indices()
    demand = _vector("demand", demand, weights.shape[0]).copy()
    supply = _vector("supply", supply, weights.shape[1]).copy()
    ratio, catchment_demand = supply_ratio(weights, demand, supply)
    return AccessibilityState(weights, demand, supply, catchment_demand, ratio, weights @ ratio)


def change_supply(
    state: AccessibilityState, destinations: Any, new_supply: Any
) -> tuple[AccessibilityState, np.ndarray]:
    """New state after setting the supply of ``destinations`` to ``new_supply``.

    Parameters
    ----------
    state : AccessibilityState
        From :func:`prepare` (not modified).
    destinations : array of int, shape (k,)
        Destinations (communes) whose supply changes; no repeats.
    new_supply : array of float, shape (k,)
        Their new supply (same unit as the state's supply, e.g. acts per year).

    Returns
    -------
    new_state : AccessibilityState
    changed : ndarray of int
        Origins whose accessibility was recomputed (those in reach of a changed destination).
    """
    destinations = np.atleast_1d(np.asarray(destinations, dtype=np.int64))
    new_supply = np.atleast_1d(np.asarray(new_supply, dtype=np.float64))
    n_destinations = state.weights.shape[1]
    if destinations.shape != new_supply.shape:
        raise ValueError("destinations, new_supply : tableaux de même longueur attendus")
    if destinations.size and (destinations.min() < 0 or destinations.max() >= n_destinations):
        raise ValueError(f"destinations : indices entre 0 et {n_destinations - 1} attendus")
    if np.unique(destinations).size != destinations.size:
        raise ValueError("destinations : communes répétées")
    _vector("new_supply", new_supply)
    supply = state.supply.copy()
    supply[destinations] = new_supply
    ratio = state.ratio.copy()
    d = state.catchment_demand[destinations]
    ratio[destinations] = np.divide(new_supply, d, out=np.zeros(destinations.size), where=d > 0)
    columns = state.weights[:, destinations]
    changed = np.flatnonzero(np.diff(columns.tocsr().indptr) > 0)
    accessibility = state.accessibility.copy()
    accessibility[changed] = state.weights[changed] @ ratio
    new_state = AccessibilityState(
        state.weights, state.demand, supply, state.catchment_demand, ratio, accessibility
    )
    return new_state, changed


def rank_candidates(
    state: AccessibilityState,
    population: Any | None = None,
    added_supply: float | None = None,
    threshold: float | None = None,
    on: dt.date | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Rank destinations by the deficit removed when one more FTE settles there.

    Criterion: adding ``s`` acts in destination ``j`` raises ``A_i`` by
    ``ΔA_ij = W_ij · s / D_j``. The gain of ``j`` is the population-weighted reduction of the
    shortfall below the threshold ``θ``::

        gain_j = Σ_i P_i · min(ΔA_ij, max(0, θ − A_i))

    i.e. how much of the « missing accessibility » of the worst-served people (those under
    ``θ``) the new practitioner fills; accessibility added above ``θ`` counts for nothing. A
    destination with no demand in reach (``D_j = 0``) gains 0.

    Parameters
    ----------
    state : AccessibilityState
    population : array of float, shape (n_origins,), optional
        Inhabitants used to weight the gain (default: the state's demand).
    added_supply : float, optional
        Supply of one more practitioner; default one FTE = ``apl.supply.acts_per_fte`` acts.
    threshold : float, optional
        ``θ`` in accessibility units; default ``apl.zoning.threshold_zip`` (2.5).

    Returns
    -------
    order : ndarray of int
        Destinations sorted by decreasing gain (ties: smaller index first).
    gain : ndarray of float, shape (n_destinations,)
        Gain of each destination, in inhabitants × accessibility units.
    """
    if added_supply is None:
        added_supply = float(parameters.value("apl.supply.acts_per_fte", on))
    if threshold is None:
        threshold = float(parameters.value("apl.zoning.threshold_zip", on))
    weights = state.weights.tocoo()
    population = (
        state.demand
        if population is None
        else _vector("population", population, state.weights.shape[0])
    )
    per_unit = np.divide(
        added_supply,
        state.catchment_demand,
        out=np.zeros_like(state.catchment_demand),
        where=state.catchment_demand > 0,
    )
    shortfall = np.maximum(0.0, threshold - state.accessibility)
    delta = weights.data * per_unit[weights.col]
    contribution = population[weights.row] * np.minimum(delta, shortfall[weights.row])
    gain = np.bincount(weights.col, weights=contribution, minlength=state.weights.shape[1])
    order = np.lexsort((np.arange(gain.size), -gain))
    return order, gain
