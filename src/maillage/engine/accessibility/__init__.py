"""Accessibility engine: 2SFCA, E2SFCA and APL on sparse travel-time tables (no Django).

Modules: :mod:`.decay` (distance-decay functions), :mod:`.fca` (weight matrix, E2SFCA, group
means), :mod:`.demand` (age standardisation, supply, age cap), :mod:`.traveltimes` (files,
crow-fly approximation), :mod:`.osrm` (OSRM table client), :mod:`.distributed` (Dask
backend), :mod:`.whatif` (incremental supply changes, candidate ranking). Its dated method
parameters live in the single registry (:mod:`maillage.engine.parameters`), in the branches
:data:`METHOD_ROOTS`.
"""

from .decay import GaussianDecay, StepDecay, apl_decay, catchment, gaussian_decay, step_decay
from .demand import acts_from_fte, eligible_by_age, standardised_demand, supply_by_commune
from .fca import (
    apl,
    e2sfca,
    share_below,
    supply_ratio,
    two_sfca,
    weight_matrix,
    weighted_mean_by_group,
)
from .traveltimes import add_self_pairs, crow_fly_times, index_pairs, read_points, read_travel_times

# Branches of the registry of dated parameters that hold the accessibility method's parameters
# (what ``maillage access parametres`` lists).
METHOD_ROOTS = ("apl", "traveltime", "zoning")

__all__ = [
    "METHOD_ROOTS",
    "GaussianDecay",
    "StepDecay",
    "acts_from_fte",
    "add_self_pairs",
    "apl",
    "apl_decay",
    "catchment",
    "crow_fly_times",
    "e2sfca",
    "eligible_by_age",
    "gaussian_decay",
    "index_pairs",
    "read_points",
    "read_travel_times",
    "share_below",
    "standardised_demand",
    "step_decay",
    "supply_by_commune",
    "supply_ratio",
    "two_sfca",
    "weight_matrix",
    "weighted_mean_by_group",
]
