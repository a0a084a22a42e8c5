"""Protected commune-level cells of the diagnosis, built once per data version from the records.

Nothing but protected cells leaves this module: the snapshot (and any cache or file made from
it) never holds a true small count.

- Professionals: each active professional counts once, in the commune of their main practice
  (the first practice of the RPPS extraction with a known commune), so that a territory total
  is a plain sum of commune cells and counts every professional once. Cells per commune and
  category: professionals, of whom liberal (at least one liberal practice); for general
  practitioners also those with a known birth year and those aged ``age_limit`` or more in
  ``age_year``.
- Registry indicators: numerator and denominator cells per commune, protected unless the
  registry names the source that makes them public.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .secrecy import ProtectedCells, SecrecyPolicy, protect, public


@dataclass(frozen=True)
class SupplyCells:
    """Protected counts of professionals: ``effectif`` / ``liberaux`` (communes × categories),
    ``gp_ages`` / ``gp_60`` (communes) for the share of GPs aged ``age_limit`` or more."""

    effectif: ProtectedCells
    liberaux: ProtectedCells
    gp_ages: ProtectedCells
    gp_60: ProtectedCells
    age_year: int
    age_limit: int


def main_commune(act_prof: np.ndarray, act_commune: np.ndarray, n_prof: int) -> np.ndarray:
    """Commune index of the first activity (in the given order) with a known commune, per
    professional; -1 when none."""
    act_prof = np.asarray(act_prof, dtype=np.int64)
    act_commune = np.asarray(act_commune, dtype=np.int64)
    known = np.flatnonzero(act_commune >= 0)
    result = np.full(n_prof, -1, dtype=np.int64)
    if known.size:
        profs, first = np.unique(act_prof[known], return_index=True)
        result[profs] = act_commune[known[first]]
    return result


def _count(commune: np.ndarray, column: np.ndarray, where: np.ndarray, shape) -> np.ndarray:
    n, k = shape
    flat = commune[where] * k + column[where]
    return np.bincount(flat, minlength=n * k).astype(np.float64).reshape(n, k)


def supply_cells(
    codes: np.ndarray,
    categories: list[str],
    prof_category: np.ndarray,
    prof_commune: np.ndarray,
    prof_liberal: np.ndarray,
    prof_birth: np.ndarray,
    policy: SecrecyPolicy,
    age_year: int,
    gp_category: str,
    age_limit: int,
) -> SupplyCells:
    """Protect the counts of professionals per commune (``prof_commune``: main commune index,
    -1 unknown; ``prof_liberal``: has a liberal practice; ``prof_birth``: NaN unknown)."""
    n, k = len(codes), len(categories)
    seuil, key = policy.seuil, policy.key
    commune = np.asarray(prof_commune, dtype=np.int64)
    category = np.asarray(prof_category, dtype=np.int64)
    located = commune >= 0
    liberal = located & np.asarray(prof_liberal, dtype=bool)
    labels = np.asarray(categories, dtype=object)

    def names(what: str):
        def named(positions):
            rows, cols = positions
            return [f"rpps|{what}|{c}|{m}" for c, m in zip(labels[cols], codes[rows], strict=True)]

        return named

    effectif = protect(_count(commune, category, located, (n, k)), names("effectif"), seuil, key)
    liberaux = protect(
        _count(commune, category, liberal, (n, k)),
        names("liberaux"),
        seuil,
        key,
        ceiling=effectif.value,
    )
    gp = categories.index(gp_category) if gp_category in categories else -1
    births = np.asarray(prof_birth, dtype=np.float64)
    aged = located & (category == gp) & np.isfinite(births)
    old = aged & (age_year - births >= age_limit)
    zeros = np.zeros(commune.size, dtype=np.int64)

    def gp_names(what: str):
        return lambda positions: [f"rpps|{what}|{gp_category}|{m}" for m in codes[positions[0]]]

    gp_column = effectif.value[:, gp] if gp >= 0 else np.zeros(n)
    gp_ages = protect(
        _count(commune, zeros, aged, (n, 1))[:, 0],
        gp_names(f"ages_connus_{age_year}"),
        seuil,
        key,
        ceiling=gp_column,
    )
    gp_60 = protect(
        _count(commune, zeros, old, (n, 1))[:, 0],
        gp_names(f"{age_limit}_ans_ou_plus_{age_year}"),
        seuil,
        key,
        ceiling=gp_ages.value,
    )
    return SupplyCells(effectif, liberaux, gp_ages, gp_60, int(age_year), int(age_limit))


def indicator_cells(
    code: str,
    annee: int,
    codes: np.ndarray,
    values: np.ndarray,
    part: str,
    public_source: str,
    policy: SecrecyPolicy,
    family: str,
) -> ProtectedCells:
    """Numerator or denominator (``part``) cells of a registry indicator over the communes
    ``codes``: exact when ``public_source`` names the source that publishes them, protected
    otherwise (threshold of ``family``)."""
    if public_source:
        return public(values)
    return protect(
        values,
        lambda positions: [f"indicateur|{code}|{annee}|{part}|{m}" for m in codes[positions[0]]],
        policy.seuil_of(family),
        policy.key,
    )
