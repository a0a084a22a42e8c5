"""Demand (age-standardised population) and supply (acts, FTE, age cap) of the APL.

Demand: ``P*_i = Σ_a n_ia · c_a / c̄`` with ``c̄ = Σ_a N_a c_a / Σ_a N_a`` over a reference
population ``N`` (national by default: the given communes), so that ``Σ P* = Σ P`` on the
reference. Supply: yearly acts of eligible practitioners, or FTE × acts per FTE, optionally
restricted to practitioners under an age cap.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np

from maillage.engine import parameters
from maillage.engine.indicators.secrecy import ProtectedCells, is_secret, stand_in_law


def standardised_demand(
    population_by_age: Any,
    consumption: Any,
    reference_population: Any | None = None,
) -> np.ndarray:
    """Population standardised by age-specific consumption.

    Parameters
    ----------
    population_by_age : array of float, shape (n, k)
        Inhabitants of commune i in age band a.
    consumption : array of float, shape (k,)
        Mean consumption per inhabitant of each band (acts / year / inhabitant, any unit: only
        ratios matter).
    reference_population : array of float, shape (k,), optional
        Inhabitants per band of the reference population (France); default: the column sums
        of ``population_by_age``.

    Returns
    -------
    ndarray, shape (n,)
        ``P*_i`` in standardised inhabitants.
    """
    population = np.asarray(population_by_age, dtype=np.float64)
    if population.ndim != 2:
        raise ValueError(
            "population_by_age : tableau (communes × tranches) attendu "
            f"(forme : {population.shape})"
        )
    consumption = np.asarray(consumption, dtype=np.float64)
    if consumption.shape != (population.shape[1],):
        raise ValueError(
            f"consumption : {population.shape[1]} valeurs attendues (une par tranche d'âge), "
            f"{consumption.size} lues"
        )
    if not (np.all(np.isfinite(population)) and np.all(population >= 0)):
        raise ValueError("population_by_age : effectifs finis et positifs attendus")
    if not (np.all(np.isfinite(consumption)) and np.all(consumption >= 0)):
        raise ValueError("consumption : consommations finies et positives attendues")
    if reference_population is None:
        reference = population.sum(axis=0)
    else:
        reference = np.asarray(reference_population, dtype=np.float64)
        if reference.shape != consumption.shape or np.any(reference < 0):
            raise ValueError(
                f"reference_population : {consumption.size} effectifs positifs attendus"
            )
    mean_consumption = (reference @ consumption) / reference.sum() if reference.sum() else 0.0
    if not mean_consumption > 0:
        raise ValueError("consumption : consommation moyenne nulle sur la population de référence")
    return population @ consumption / mean_consumption


def acts_from_fte(fte: Any, acts_per_fte: float | None = None, on: dt.date | None = None):
    """Supply in yearly acts from full-time equivalents.

    Parameters
    ----------
    fte : array of float
        Full-time equivalents per commune.
    acts_per_fte : float, optional
        Acts per year per FTE; default: ``apl.supply.acts_per_fte`` in force on ``on``.
    """
    if acts_per_fte is None:
        acts_per_fte = parameters.value("apl.supply.acts_per_fte", on)
    fte = np.asarray(fte, dtype=np.float64)
    if not (np.all(np.isfinite(fte)) and np.all(fte >= 0)):
        raise ValueError("fte : équivalents temps plein finis et positifs attendus")
    return fte * float(acts_per_fte)


def practitioner_activity(
    acts: Any, fte: Any, in_fte: bool, on: dt.date | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Activity of each practitioner in the unit of the supply.

    Parameters
    ----------
    acts : array of float
        Yearly acts (NaN: unknown).
    fte : array of float
        Full-time equivalents (NaN: unknown, counted as ``apl.supply.unknown_fte``).
    in_fte : bool
        True: the supply is in FTE; False: in yearly acts (unknown acts = FTE × acts per FTE).

    Returns
    -------
    activity, fte_counted, unknown : ndarray
        The activity, the FTE with unknown values replaced, and the mask of practitioners whose
        activity is unknown (neither acts nor FTE when counted in acts).
    """
    acts = np.asarray(acts, dtype=np.float64)
    fte = np.asarray(fte, dtype=np.float64)
    unknown_fte = np.isnan(fte)
    counted = np.where(unknown_fte, float(parameters.value("apl.supply.unknown_fte", on)), fte)
    if in_fte:
        return counted, counted, unknown_fte
    unknown_acts = np.isnan(acts)
    converted = acts_from_fte(counted[unknown_acts], on=on)
    activity = acts.copy()
    activity[unknown_acts] = converted
    return activity, counted, unknown_fte & unknown_acts


def protect_supply(
    supply: Any, fte: Any, cells: ProtectedCells, in_fte: bool, on: dt.date | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Supply and FTE per commune with the statistical secrecy applied.

    ``cells``: the protected counts of practitioners per commune
    (:func:`maillage.engine.indicators.secrecy.protect`). Where a commune has between 1 and
    seuil − 1 practitioners, its supply and FTE are those of its stand-in number of
    practitioners at the mean activity per practitioner of the communes that have at least
    seuil of them (exact and published anyway; without any, the nominal activity:
    ``apl.supply.unknown_fte`` FTE, in acts for doctors). Every APL computed from them
    depends only on the stand-ins and on the large communes, never on the hidden count nor on
    the hidden practitioners' own activity.
    """
    supply = np.asarray(supply, dtype=np.float64)
    fte = np.asarray(fte, dtype=np.float64)
    small = is_secret(cells.floor, cells.seuil)
    large = (cells.floor >= cells.seuil) & (cells.floor > 0)
    practitioners = cells.value[large].sum()
    if practitioners > 0:
        per_supply = supply[large].sum() / practitioners
        per_fte = fte[large].sum() / practitioners
    else:
        per_fte = float(parameters.value("apl.supply.unknown_fte", on))
        per_supply = per_fte if in_fte else float(acts_from_fte(per_fte, on=on))
    expected = float(stand_in_law(cells.seuil) @ np.arange(1, max(cells.seuil, 2)))
    return (
        np.where(small, expected * per_supply, supply),
        np.where(small, expected * per_fte, fte),
    )


def eligible_by_age(
    ages: Any,
    age_cap: float | None = None,
    inclusive: bool | None = None,
    on: dt.date | None = None,
) -> np.ndarray:
    """Mask of practitioners counted under the age cap.

    Parameters
    ----------
    ages : array of float
        Age of each practitioner in years (NaN: unknown, counted).
    age_cap : float, optional
        Age limit in years; default ``apl.supply.age_cap.age``. ``numpy.inf`` counts everyone.
    inclusive : bool, optional
        True keeps ``age <= cap`` (« 65 ans ou moins »), False keeps ``age < cap`` (« moins de
        65 ans »); default ``apl.supply.age_cap.inclusive`` (unverified).
    """
    if age_cap is None:
        age_cap = parameters.value("apl.supply.age_cap.age", on)
    if inclusive is None:
        inclusive = parameters.value("apl.supply.age_cap.inclusive", on)
    ages = np.asarray(ages, dtype=np.float64)
    under = ages <= age_cap if inclusive else ages < age_cap
    return under | np.isnan(ages)


def supply_by_commune(
    commune_index: Any,
    activity: Any,
    n_communes: int,
    ages: Any | None = None,
    age_cap: float | None = None,
    inclusive: bool | None = None,
    on: dt.date | None = None,
) -> np.ndarray:
    """Sum the activity of practitioners per commune, with an optional age cap.

    Parameters
    ----------
    commune_index : array of int, shape (m,)
        Commune (0 … n_communes-1) of each practitioner's practice.
    activity : array of float, shape (m,)
        Yearly acts (pre-adjusted if needed) of each practitioner.
    n_communes : int
    ages : array of float, shape (m,), optional
        Practitioners' ages; when given, those over the cap are left out (see
        :func:`eligible_by_age`).

    Returns
    -------
    ndarray, shape (n_communes,)
        Supply ``S_j`` in acts per year.
    """
    index = np.asarray(commune_index)
    activity = np.asarray(activity, dtype=np.float64)
    if index.shape != activity.shape or index.ndim != 1:
        raise ValueError("commune_index, activity : tableaux de même longueur attendus")
    if index.size and (index.min() < 0 or index.max() >= n_communes):
        raise ValueError(f"commune_index : indices entre 0 et {n_communes - 1} attendus")
    if not (np.all(np.isfinite(activity)) and np.all(activity >= 0)):
        raise ValueError("activity : activités finies et positives attendues")
    if ages is not None:
        activity = np.where(eligible_by_age(ages, age_cap, inclusive, on), activity, 0.0)
    return np.bincount(index.astype(np.int64), weights=activity, minlength=n_communes)
