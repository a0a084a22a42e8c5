"""Published figures of a level (territory, département, région, France): sums of the
protected commune cells, hidden when their smallest possible true value is below the threshold."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from maillage.engine.vocabulary import GP

from .aggregate import MOYENNE_PONDEREE, SOMME, aggregate, ratio
from .secrecy import is_secret, publish
from .snapshot import AGE_BANDS, BANDS_75_PLUS, IndicatorSeries, Snapshot

GP_CATEGORY = GP
GP_AGE_LIMIT = 60
PER = 100_000
LEVELS = ("departement", "region", "france")


@dataclass(frozen=True)
class Figure:
    """One published value of a level."""

    valeur: float | None
    numerateur: float | None
    denominateur: float | None
    secret: bool = False


def _count(value: float, secret: bool, denominator=None, factor=1.0) -> Figure:
    if secret:
        return Figure(None, None, denominator, True)
    if denominator is None:
        return Figure(value, value, None)
    return Figure(ratio(value, denominator, factor), value, denominator)


def level_figures(snapshot: Snapshot, mask: np.ndarray) -> dict[str, Figure]:
    """Every published figure of one level (a territory, a département, a région, France)."""
    rows = None if mask.all() else np.flatnonzero(mask)
    figures: dict[str, Figure] = {}
    population = float(np.nansum(snapshot.population[mask]))
    surface = float(np.nansum(snapshot.surface[mask]))
    figures["population"] = Figure(population, population, None)
    figures["surface"] = Figure(surface, surface, None)
    figures["densite"] = Figure(ratio(population, surface), population, surface)
    ages = snapshot.ages[mask]
    complete = np.all(np.isfinite(ages), axis=1)
    band_totals = ages[complete].sum(axis=0)
    aged_total = float(band_totals.sum())
    for b, (code, _label) in enumerate(AGE_BANDS):
        value = float(band_totals[b])
        figures[f"age.{code}"] = Figure(ratio(value, aged_total, 100), value, aged_total)
    old = float(band_totals[list(BANDS_75_PLUS)].sum())
    figures["age.75_plus"] = Figure(ratio(old, aged_total, 100), old, aged_total)

    supply = snapshot.supply
    effectif = publish(supply.effectif, rows)
    liberaux = publish(supply.liberaux, rows)
    for c, category in enumerate(snapshot.categories):
        count, secret = float(effectif.valeur[c]), bool(effectif.secret[c])
        figures[f"offre.{category}.effectif"] = _count(count, secret)
        figures[f"offre.{category}.liberaux"] = _count(
            float(liberaux.valeur[c]), bool(liberaux.secret[c])
        )
        figures[f"offre.{category}.densite"] = _count(count, secret, population, PER)
    aged = publish(supply.gp_ages, rows)
    old_gp = publish(supply.gp_60, rows)
    hidden = bool(aged.secret) or bool(old_gp.secret)
    if hidden or not aged.valeur:
        figures["offre.medecin_generaliste.part_60_plus"] = Figure(
            None, None, None if hidden else float(aged.valeur), hidden
        )
    else:
        share = min(100.0, ratio(float(old_gp.valeur), float(aged.valeur), 100))
        figures["offre.medecin_generaliste.part_60_plus"] = Figure(
            share, float(old_gp.valeur), float(aged.valeur)
        )

    for series in snapshot.indicators:
        figures[f"indicateur.{series.code}"] = _indicator(series, mask)
    for c, classe in enumerate(snapshot.classes):
        inside = mask[snapshot.etab_commune[snapshot.etab_commune >= 0]]
        count = float(np.sum(snapshot.etab_class[snapshot.etab_commune >= 0][inside] == c))
        figures[f"etablissement.{classe}.nombre"] = Figure(count, count, None)
    return figures


def _indicator(series: IndicatorSeries, mask: np.ndarray) -> Figure:
    """A registry indicator over the communes of ``mask``, by its aggregation rule."""
    rows = mask[series.commune]
    if series.agregation != SOMME:
        rows &= series.has_den  # a ratio over the communes whose denominator is known
    rows = np.flatnonzero(rows)
    num, num_floor = series.num.total(rows)
    secret = bool(is_secret(num_floor, series.num.seuil))
    den = None
    if series.agregation != SOMME:
        den, den_floor = series.den.total(rows)
        den = float(den)
        secret |= bool(is_secret(den_floor, series.den.seuil))
    if secret:
        return Figure(None, None, None, True)
    value = aggregate(series.agregation, float(num), den, series.facteur)
    if series.agregation == MOYENNE_PONDEREE:  # the numerator is value × population
        return Figure(value, None, den if value is not None else None)
    return Figure(value, float(num), den)


def cached_level(snapshot, key, mask_fn) -> dict[str, Figure]:
    cache_key = ("level", key)
    if cache_key not in snapshot.cache:
        snapshot.cache[cache_key] = level_figures(snapshot, mask_fn())
    return snapshot.cache[cache_key]
