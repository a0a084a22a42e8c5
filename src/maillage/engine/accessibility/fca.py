"""Floating-catchment accessibility (2SFCA, E2SFCA, APL) on sparse weight matrices.

Notation (DREES APL, E2SFCA with the same weights in both steps):

    W_ij  = f(t_ij)                      weight of the pair origin i → destination j
    D_j   = Σ_i W_ij · P*_i              demand in the catchment of destination j
    R_j   = S_j / D_j  (0 if D_j = 0)    supply per unit of demand
    A_i   = Σ_j W_ij · R_j               accessibility of origin i (APL)

Origins carry the demand, destinations the supply; for APL both are the communes and the
matrix is square with ``t_ii = 0``. Origins with nothing in reach get 0, never NaN. Supply of a
destination with no demand in reach (D_j = 0) cannot be distributed: it is dropped and logged,
which is the only case where the invariant ``Σ_i P*_i · A_i = Σ_j S_j`` does not hold.

Reference: Luo W., Qi Y. (2009), « An enhanced two-step floating catchment area (E2SFCA)
method for measuring spatial accessibility to primary care physicians », Health & Place 15;
Barlet M. et al. (2012), DREES, APL.
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
import scipy.sparse as sp

from .decay import catchment, max_minutes_of

logger = logging.getLogger(__name__)

BACKENDS = ("local", "dask")


def _index_array(name: str, values: Any) -> np.ndarray:
    array = np.asarray(values)
    if array.ndim != 1:
        raise ValueError(f"{name} : tableau à une dimension attendu (forme lue : {array.shape})")
    if array.size and not np.issubdtype(array.dtype, np.integer):
        raise ValueError(f"{name} : indices entiers attendus (type lu : {array.dtype})")
    if array.size and array.min() < 0:
        raise ValueError(f"{name} : indices négatifs interdits")
    # Any integer type is kept (int32 positions of a national table are not copied).
    return array if array.size else array.astype(np.int64)


def _vector(name: str, values: Any, size: int | None = None) -> np.ndarray:
    array = np.asarray(values, dtype=np.float64)
    if array.ndim != 1:
        raise ValueError(f"{name} : tableau à une dimension attendu (forme lue : {array.shape})")
    if size is not None and array.size != size:
        raise ValueError(f"{name} : {size} valeurs attendues, {array.size} lues")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} : valeurs manquantes ou infinies interdites")
    if np.any(array < 0):
        raise ValueError(f"{name} : valeurs négatives interdites")
    return array


def weight_matrix(
    origins: Any,
    destinations: Any,
    minutes: Any,
    decay,
    shape: tuple[int, int] | None = None,
) -> sp.csr_matrix:
    """Sparse weight matrix ``W[i, j] = decay(t_ij)`` from a long travel-time table.

    Parameters
    ----------
    origins, destinations : array of int, shape (m,)
        Origin (demand) and destination (supply) indices of each pair.
    minutes : array of float, shape (m,)
        Travel time of each pair, in minutes (finite, >= 0). A missing pair means "out of
        reach"; ``t_ii = 0`` self pairs must be present when wanted (see
        :func:`maillage.engine.accessibility.traveltimes.add_self_pairs`).
    decay : callable
        Decay function (see :mod:`.decay`), applied to every pair; zero weights are dropped.
    shape : (int, int), optional
        ``(n_origins, n_destinations)``; default: largest index + 1 on each side.

    Returns
    -------
    scipy.sparse.csr_matrix, shape (n_origins, n_destinations)
        Canonical CSR (sorted indices, no duplicates).

    Raises
    ------
    ValueError
        On inconsistent lengths, negative or non-finite times, out-of-range indices or a pair
        given twice.
    """
    o = _index_array("origins", origins)
    d = _index_array("destinations", destinations)
    t = np.asarray(minutes, dtype=np.float64)
    if not (o.size == d.size == t.size):
        raise ValueError(
            f"origins, destinations, minutes : longueurs différentes ({o.size}, {d.size}, {t.size})"
        )
    if t.size and (not np.all(np.isfinite(t)) or t.min() < 0):
        raise ValueError("minutes : temps de trajet finis et positifs attendus")
    if shape is None:
        shape = (int(o.max()) + 1 if o.size else 0, int(d.max()) + 1 if d.size else 0)
    if o.size and (o.max() >= shape[0] or d.max() >= shape[1]):
        raise ValueError(f"origins / destinations : indice hors de la forme {shape}")
    w = np.asarray(decay(t), dtype=np.float64)
    if w.shape != t.shape or not np.all(np.isfinite(w)) or (w.size and w.min() < 0):
        raise ValueError("decay : la fonction doit renvoyer un poids fini et positif par temps")
    keep = w > 0
    if not keep.all():
        w, o, d = w[keep], o[keep], d[keep]
    if _in_row_order(o, d, shape):
        return _csr_in_row_order(w, o, d, shape)
    coo = sp.coo_matrix((w, (o, d)), shape=shape)
    # Two counting sorts (COO → CSC → CSR, linear time) give sorted column indices in every
    # row without the comparison sort of sum_duplicates(); duplicates are then adjacent.
    # Declaring the temporary COO canonical stops scipy from summing duplicates silently.
    coo.has_canonical_format = True
    matrix = coo.tocsc().tocsr()
    if _has_repeated_pairs(matrix):
        raise ValueError("origins, destinations : un même couple origine-destination est répété")
    matrix.has_sorted_indices = True
    return matrix


def _in_row_order(o: np.ndarray, d: np.ndarray, shape: tuple[int, int]) -> bool:
    """True when the pairs come by origin, then by strictly increasing destination (how
    matrix tools write their tables): they are then already the rows of a canonical CSR."""
    if o.size < 2:
        return False
    later, same = o[1:] > o[:-1], o[1:] == o[:-1]
    if not (later | same).all():
        return False
    # Within a row, destinations strictly increasing: sorted, and no pair twice.
    same &= d[1:] <= d[:-1]
    return not same.any()


def _csr_in_row_order(w: np.ndarray, o: np.ndarray, d: np.ndarray, shape) -> sp.csr_matrix:
    """The canonical CSR of pairs in row order: row pointers counted, arrays taken as given."""
    indptr = np.zeros(shape[0] + 1, dtype=np.int64)
    np.cumsum(np.bincount(o, minlength=shape[0]), out=indptr[1:])
    index_type = np.int32 if max(shape[1], o.size) < 2**31 else np.int64
    matrix = sp.csr_matrix(
        (w, d.astype(index_type, copy=False), indptr.astype(index_type)), shape=shape, copy=False
    )
    matrix.has_sorted_indices = True
    matrix.has_canonical_format = True
    return matrix


def _has_repeated_pairs(matrix: sp.csr_matrix) -> bool:
    """True when a row of a CSR matrix with sorted indices holds the same column twice."""
    indices, indptr = matrix.indices, matrix.indptr
    if indices.size < 2:
        return False
    same = indices[1:] == indices[:-1]
    # Equal neighbours across a row boundary are different pairs.
    starts = indptr[1:-1]
    starts = starts[(starts > 0) & (starts < indices.size)]
    same[starts - 1] = False
    return bool(same.any())


def supply_ratio(weights: sp.csr_matrix, demand: Any, supply: Any) -> tuple[np.ndarray, np.ndarray]:
    """First step: catchment demand ``D_j`` and ratio ``R_j = S_j / D_j`` (0 when D_j = 0).

    Parameters
    ----------
    weights : scipy.sparse matrix, shape (n_origins, n_destinations)
    demand : array of float, shape (n_origins,)
        Demand ``P*_i`` (standardised inhabitants).
    supply : array of float, shape (n_destinations,)
        Supply ``S_j`` (acts per year, FTE… any unit; the APL has its unit per inhabitant).

    Returns
    -------
    ratio : ndarray, shape (n_destinations,)
        Supply per unit of demand in the catchment.
    catchment_demand : ndarray, shape (n_destinations,)
    """
    weights = sp.csr_matrix(weights)
    demand, supply = _vectors(weights, demand, supply)
    catchment_demand = weights.T @ demand
    return _ratio(supply, catchment_demand), catchment_demand


def _vectors(weights: sp.csr_matrix, demand: Any, supply: Any) -> tuple[np.ndarray, np.ndarray]:
    n_origins, n_destinations = weights.shape
    return _vector("demand", demand, n_origins), _vector("supply", supply, n_destinations)


def _ratio(supply: np.ndarray, catchment_demand: np.ndarray) -> np.ndarray:
    """``R_j = S_j / D_j``, 0 where ``D_j = 0`` (that supply is lost, and logged)."""
    ratio = np.zeros(supply.size)
    np.divide(supply, catchment_demand, out=ratio, where=catchment_demand > 0)
    lost = (supply > 0) & ~(catchment_demand > 0)
    if lost.any():
        logger.warning(
            "%d destination(s) avec une offre mais sans demande à portée : offre non répartie "
            "(%g au total)",
            int(lost.sum()),
            float(supply[lost].sum()),
        )
    return ratio


def e2sfca(
    weights: sp.csr_matrix,
    demand: Any,
    supply: Any,
    backend: str = "local",
    client=None,
    n_blocks: int | None = None,
) -> np.ndarray:
    """Enhanced two-step floating catchment (E2SFCA), same weights in both steps (APL).

    Parameters
    ----------
    weights : scipy.sparse matrix, shape (n_origins, n_destinations)
        ``W_ij = f(t_ij)`` (see :func:`weight_matrix`).
    demand : array of float, shape (n_origins,)
        Demand ``P*_i`` per origin.
    supply : array of float, shape (n_destinations,)
        Supply ``S_j`` per destination.
    backend : {"local", "dask"}
        ``"dask"`` partitions both steps over blocks of destinations and origins on a Dask
        distributed cluster; results are identical to ``"local"``.
    client : distributed.Client or str, optional
        Dask client or scheduler address (``backend="dask"`` only; default: current client).
    n_blocks : int, optional
        Number of blocks for the Dask backend (default: 2 per worker).

    Returns
    -------
    ndarray, shape (n_origins,)
        Accessibility ``A_i`` in supply units per unit of demand (for APL: consultations per
        year per standardised inhabitant). 0 where nothing is in reach.
    """
    if backend not in BACKENDS:
        raise ValueError(f"backend : « {backend} » inconnu (attendu : local ou dask)")
    weights = sp.csr_matrix(weights)
    if backend == "dask":
        from .distributed import BlockedMatVec

        demand, supply = _vectors(weights, demand, supply)
        # Both steps as products by CSR rows in ascending column order, the order of the
        # local products below: results are identical bit for bit.
        transposed = weights.T.tocsr()
        transposed.sort_indices()
        with BlockedMatVec(client, n_blocks) as matvec:
            ratio = _ratio(supply, matvec(transposed, demand))
            return matvec(weights, ratio)
    ratio, _ = supply_ratio(weights, demand, supply)
    return weights @ ratio


def two_sfca(
    origins: Any,
    destinations: Any,
    minutes: Any,
    demand: Any,
    supply: Any,
    max_minutes: float,
    shape: tuple[int, int] | None = None,
) -> np.ndarray:
    """Original 2SFCA (Luo & Wang 2003): binary catchment ``t <= max_minutes`` (inclusive).

    Parameters are those of :func:`weight_matrix` and :func:`e2sfca`; ``max_minutes`` in
    minutes. Returns the accessibility per origin (0 where nothing is in reach).
    """
    weights = weight_matrix(origins, destinations, minutes, catchment(max_minutes), shape)
    return e2sfca(weights, demand, supply)


def apl(
    origins: Any,
    destinations: Any,
    minutes: Any,
    demand: Any,
    supply: Any,
    decay,
    backend: str = "local",
    client=None,
) -> np.ndarray:
    """APL of every commune from a long travel-time table on a square commune index.

    Parameters
    ----------
    origins, destinations : array of int, shape (m,)
        Commune indices (0 … n-1) of each pair; self pairs ``t_ii = 0`` included.
    minutes : array of float, shape (m,)
        Road travel time of each pair, in minutes.
    demand : array of float, shape (n,)
        Age-standardised population ``P*`` (see :func:`.demand.standardised_demand`).
    supply : array of float, shape (n,)
        Yearly acts of eligible practitioners per commune (see :mod:`.demand`).
    decay : callable
        Decay function, e.g. :func:`.decay.apl_decay`.
    backend, client
        See :func:`e2sfca`.

    Returns
    -------
    ndarray, shape (n,)
        APL in consultations per year per standardised inhabitant.
    """
    demand = np.asarray(demand, dtype=np.float64)
    n = demand.size
    max_minutes_of(decay)
    weights = weight_matrix(origins, destinations, minutes, decay, shape=(n, n))
    return e2sfca(weights, demand, supply, backend=backend, client=client)


def weighted_mean_by_group(values: Any, weights: Any, groups: Any) -> tuple[np.ndarray, np.ndarray]:
    """Weighted mean of ``values`` per group (e.g. APL of communes → APL of TVS).

    ``APL_g = Σ_{i∈g} w_i · APL_i / Σ_{i∈g} w_i``. The DREES weights area averages by the
    standardised population.

    Parameters
    ----------
    values : array of float, shape (n,)
    weights : array of float, shape (n,)
        Population of each commune (inhabitants, >= 0).
    groups : array, shape (n,)
        Group label of each commune (TVS code, département…).

    Returns
    -------
    labels : ndarray
        Sorted distinct group labels.
    means : ndarray of float
        Weighted mean per label; NaN for a group whose total weight is 0.
    """
    values = np.asarray(values, dtype=np.float64)
    weights = _vector("weights", weights, values.size)
    groups = np.asarray(groups)
    if groups.shape != values.shape:
        raise ValueError(f"groups : {values.size} étiquettes attendues, {groups.size} lues")
    labels, inverse = np.unique(groups, return_inverse=True)
    total = np.bincount(inverse, weights=weights, minlength=labels.size)
    weighted = np.bincount(inverse, weights=weights * values, minlength=labels.size)
    means = np.full(labels.size, np.nan)
    np.divide(weighted, total, out=means, where=total > 0)
    return labels, means


def share_below(values: Any, population: Any, threshold: float) -> float:
    """Share of the population living where ``values < threshold`` (strict), in [0, 1].

    The DREES uses the total (not standardised) population for such shares.
    """
    values = np.asarray(values, dtype=np.float64)
    population = _vector("population", population, values.size)
    total = population.sum()
    return float(population[values < threshold].sum() / total) if total > 0 else float("nan")
