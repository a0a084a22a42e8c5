"""The territorial diagnosis of a set of communes, compared with its département, région and
France (all loaded communes).

Every count of professionals or patients comes from the protected commune cells of the
snapshot (:mod:`.cells`, :mod:`.secrecy`): a territory value is a plain sum of protected cells,
hidden (``None`` with ``secret: True``) when its smallest possible true value is below the
threshold; ratios use the protected sums. What leaves this module is already published: the
page, the API and every export show the same protected values.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np

from maillage.engine.vocabulary import GP

from ..distances import great_circle_km
from .aggregate import MOYENNE_PONDEREE, SOMME, aggregate, ratio
from .evolution import Evolution, population_evolution, vintages
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


def _dominant(values: np.ndarray, weights: np.ndarray) -> str | None:
    if values.size == 0:
        return None
    counter: Counter = Counter()
    for value, weight in zip(values.tolist(), np.nan_to_num(weights).tolist(), strict=True):
        counter[value] += weight + 1e-9
    return counter.most_common(1)[0][0]


def weighted_centre(snapshot: Snapshot, idx: np.ndarray) -> tuple[float, float] | None:
    """Population-weighted centre of the communes (mean of 3D unit vectors, projected back)."""
    lon, lat = np.radians(snapshot.lon[idx]), np.radians(snapshot.lat[idx])
    weights = np.nan_to_num(snapshot.population[idx]) + 1e-9
    ok = np.isfinite(lon) & np.isfinite(lat)
    if not ok.any():
        return None
    w, lon, lat = weights[ok], lon[ok], lat[ok]
    x = np.sum(w * np.cos(lat) * np.cos(lon))
    y = np.sum(w * np.cos(lat) * np.sin(lon))
    z = np.sum(w * np.sin(lat))
    return (float(np.degrees(np.arctan2(y, x))), float(np.degrees(np.arctan2(z, np.hypot(x, y)))))


def nearest_establishments(snapshot: Snapshot, idx: np.ndarray, mask: np.ndarray) -> list[dict]:
    """For each establishment class: how many in the territory and the nearest one by
    great-circle distance from the population-weighted centre of the territory."""
    centre = weighted_centre(snapshot, idx)
    rows = []
    if snapshot.etab_class.size == 0:
        return rows
    located = np.isfinite(snapshot.etab_lon) & np.isfinite(snapshot.etab_lat)
    distances = np.full(snapshot.etab_class.size, np.inf)
    if centre is not None:
        distances[located] = great_circle_km(
            centre[0], centre[1], snapshot.etab_lon[located], snapshot.etab_lat[located]
        )
    inside = np.zeros(snapshot.etab_class.size, dtype=bool)
    known = snapshot.etab_commune >= 0
    inside[known] = mask[snapshot.etab_commune[known]]
    for c, classe in enumerate(snapshot.classes):
        of_class = np.flatnonzero(snapshot.etab_class == c)
        if of_class.size == 0:
            continue
        best = of_class[np.argmin(distances[of_class])]
        nearest = None
        if np.isfinite(distances[best]):
            commune = snapshot.etab_commune[best]
            nearest = {
                "nom": str(snapshot.etab_nom[best]),
                "commune": str(snapshot.noms[commune]) if commune >= 0 else "",
                "distance_km": round(float(distances[best]), 1),
                "dans_le_territoire": bool(inside[best]),
            }
        rows.append(
            {
                "classe": classe,
                "libelle": snapshot.class_labels.get(classe, classe),
                "nombre": int(inside[of_class].sum()),
                "plus_proche": nearest,
            }
        )
    return rows


def structures(snapshot: Snapshot, mask: np.ndarray) -> dict[str, list[dict]]:
    """MSP, centres de santé, CPTS (and ESP) whose siège or perimeter touches the territory."""
    out: dict[str, list[dict]] = {"MSP": [], "CDS": [], "CPTS": [], "ESP": []}
    if snapshot.pair_struct.size == 0:
        return out
    touching = mask[snapshot.pair_commune]
    hits = np.bincount(snapshot.pair_struct[touching], minlength=snapshot.struct_kind.size)
    sizes = np.bincount(snapshot.pair_struct, minlength=snapshot.struct_kind.size)
    for s in np.flatnonzero(hits):
        kind = str(snapshot.struct_kind[s])
        out.setdefault(kind, []).append(
            {
                "id": int(snapshot.struct_pk[s]),
                "identifiant": str(snapshot.struct_id[s]),
                "nom": str(snapshot.struct_nom[s]),
                "communes_dans_le_territoire": int(hits[s]),
                "communes_du_perimetre": int(sizes[s]),
                "relation": "présente" if hits[s] == sizes[s] else "chevauchante",
            }
        )
    for rows in out.values():
        rows.sort(key=lambda r: r["nom"])
    return out


def _entry(code, libelle, unite, bloc, figure, comparisons, source, millesime, **extra) -> dict:
    return {
        "code": code,
        "libelle": libelle,
        "valeur": figure.valeur,
        "unite": unite,
        "numerateur": figure.numerateur,
        "denominateur": figure.denominateur,
        "secret": figure.secret,
        "source": source,
        "millesime": millesime,
        "bloc": bloc,
        "comparaisons": comparisons,
        **extra,
    }


def diagnose(
    snapshot: Snapshot,
    idx: np.ndarray,
    at: dt.date,
    cpts: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The published diagnosis of the communes ``idx`` (indices into the snapshot).

    ``cpts``: ``{"taille": int, "fonctionnement": {...}}`` computed by the caller from the
    rules engine (kept out of here so that this module only aggregates).
    """
    idx = np.unique(np.asarray(idx, dtype=np.int64))
    mask = snapshot.mask(idx)
    year = snapshot.supply.age_year
    territory = level_figures(snapshot, mask)
    dep = _dominant(snapshot.departement[idx], snapshot.population[idx])
    reg = _dominant(snapshot.region[idx], snapshot.population[idx])
    levels = {
        "departement": cached_level(snapshot, ("dep", dep), lambda: snapshot.departement == dep),
        "region": cached_level(snapshot, ("reg", reg), lambda: snapshot.region == reg),
        "france": cached_level(snapshot, ("fr",), lambda: np.ones(snapshot.size, dtype=bool)),
    }

    def comparisons(code: str) -> dict[str, float | None]:
        return {name: levels[name][code].valeur for name in LEVELS}

    def secrets(code: str) -> dict[str, bool]:
        return {name: levels[name][code].secret for name in LEVELS}

    pop_source = "INSEE, populations légales"
    pop_year = str(snapshot.population_annee or "")
    age_year = str(snapshot.ages_annee or "")
    rpps = "ANS, Annuaire santé (RPPS)"
    entries = [
        _entry(
            "population",
            "Population municipale",
            "habitants",
            "population",
            territory["population"],
            comparisons("population"),
            pop_source,
            pop_year,
        ),
        _entry(
            "surface",
            "Surface",
            "km²",
            "population",
            territory["surface"],
            comparisons("surface"),
            "IGN, ADMIN EXPRESS",
            "",
        ),
        _entry(
            "densite",
            "Densité de population",
            "hab./km²",
            "population",
            territory["densite"],
            comparisons("densite"),
            pop_source,
            pop_year,
        ),
    ]
    for code, label in AGE_BANDS:
        key = f"age.{code}"
        entries.append(
            _entry(
                key,
                f"Part des {label}",
                "%",
                "ages",
                territory[key],
                comparisons(key),
                "INSEE, recensement",
                age_year,
            )
        )
    entries.append(
        _entry(
            "age.75_plus",
            "Part des 75 ans ou plus",
            "%",
            "ages",
            territory["age.75_plus"],
            comparisons("age.75_plus"),
            "INSEE, recensement",
            age_year,
        )
    )
    national = levels["france"]
    for category in snapshot.categories:
        label = snapshot.category_labels.get(category, category)
        base = f"offre.{category}"
        if not national[f"{base}.effectif"].valeur and not national[f"{base}.effectif"].secret:
            continue  # no professional of this category loaded anywhere
        for suffix, what, unit in (
            ("effectif", "effectif", "professionnels"),
            ("liberaux", "dont libéraux", "professionnels"),
            ("densite", "densité", "pour 100 000 hab."),
        ):
            key = f"{base}.{suffix}"
            entries.append(
                _entry(
                    key,
                    f"{label} : {what}",
                    unit,
                    "offre",
                    territory[key],
                    comparisons(key),
                    rpps,
                    str(year),
                    categorie=category,
                    mesure=suffix,
                    secret_comparaisons=secrets(key),
                )
            )
    key = "offre.medecin_generaliste.part_60_plus"
    if GP_CATEGORY in snapshot.categories:
        entries.append(
            _entry(
                key,
                "Médecins généralistes de 60 ans ou plus",
                "%",
                "offre",
                territory[key],
                comparisons(key),
                rpps,
                str(year),
                categorie=GP_CATEGORY,
                mesure="part_60_plus",
                secret_comparaisons=secrets(key),
            )
        )
    for series in snapshot.indicators:
        key = f"indicateur.{series.code}"
        entries.append(
            _entry(
                series.code,
                series.libelle,
                series.unite,
                "sante",
                territory[key],
                comparisons(key),
                series.source,
                series.millesime or str(series.annee or ""),
                secret_comparaisons=secrets(key),
                agregation=series.agregation,
            )
        )

    evolution = _evolution_entries(snapshot, mask, {"departement": dep, "region": reg}, pop_source)
    entries.extend(evolution["entries"])

    population = territory["population"].valeur or 0.0
    surface = territory["surface"].valeur
    centre = weighted_centre(snapshot, idx) if idx.size else None
    return {
        "territoire": {
            "communes": snapshot.codes[idx].tolist(),
            "noms": snapshot.noms[idx].tolist(),
            "nb_communes": int(idx.size),
            "population": round(population),
            "population_annee": snapshot.population_annee,
            "surface_km2": round(surface, 2) if surface else None,
            "densite": territory["densite"].valeur,
            "taille_cpts": (cpts or {}).get("taille"),
            "fonctionnement_cpts": (cpts or {}).get("fonctionnement"),
            "centre": list(centre) if centre else None,
        },
        "niveaux": {
            "departement": {"code": dep, "nom": snapshot.departement_noms.get(dep, dep)},
            "region": {"code": reg, "nom": snapshot.region_noms.get(reg, reg)},
            "france": {"code": "FR", "nom": "France (communes chargées)"},
        },
        "indicateurs": entries,
        "evolution_population": evolution["summary"],
        "etablissements": nearest_establishments(snapshot, idx, mask),
        "structures": structures(snapshot, mask),
        "secret": {
            "seuil": snapshot.seuils.get("professionnels"),
            "seuils": dict(snapshot.seuils),
            "methode": "cellules communales protégées une fois (effectifs de 1 à seuil − 1 "
            "remplacés par une valeur de substitution fixe) ; territoire = somme des cellules, "
            "masqué si son plus petit total possible est sous le seuil",
        },
        "date": at.isoformat(),
        "version_donnees": snapshot.version,
    }


def _level_mask(snapshot: Snapshot, level: str, code) -> np.ndarray:
    key = ("mask", level, code)
    if key not in snapshot.cache:
        if level == "france":
            snapshot.cache[key] = np.ones(snapshot.size, dtype=bool)
        else:
            column = snapshot.departement if level == "departement" else snapshot.region
            snapshot.cache[key] = column == code
    return snapshot.cache[key]


def _level_evolution(snapshot: Snapshot, level: str, code, start: int, end: int) -> Evolution:
    key = ("evolution", level, code, start, end)
    if key not in snapshot.cache:
        snapshot.cache[key] = population_evolution(
            snapshot, _level_mask(snapshot, level, code), start, end
        )
    return snapshot.cache[key]


def _evolution_entries(
    snapshot: Snapshot, mask: np.ndarray, codes: dict[str, Any], source: str
) -> dict[str, Any]:
    """The "évolution de la population" block between the oldest and the newest vintage known
    for the territory (the comparison levels use the same two vintages); empty when only one
    vintage is loaded."""
    years = vintages(snapshot, mask)
    if years is None:
        return {"entries": [], "summary": None}
    start, end = years
    own = population_evolution(snapshot, mask, start, end)
    levels = {
        name: _level_evolution(snapshot, name, codes.get(name), start, end) for name in LEVELS
    }
    period = f"{start}–{end}"
    rows = (
        ("evolution.population_debut", f"Population {start}", "habitants",
         lambda e: Figure(e.population_debut, e.population_debut, None)),
        ("evolution.population_fin", f"Population {end}", "habitants",
         lambda e: Figure(e.population_fin, e.population_fin, None)),
        ("evolution.absolue", f"Évolution de la population {period}", "habitants",
         lambda e: Figure(e.absolue, e.population_fin, e.population_debut)),
        ("evolution.taux_annuel", f"Taux d'évolution annuel moyen {period}", "% par an",
         lambda e: Figure(e.taux_annuel, e.population_fin, e.population_debut)),
    )  # fmt: skip
    entries = [
        _entry(
            code,
            label,
            unit,
            "evolution",
            figure(own),
            {name: figure(levels[name]).valeur for name in LEVELS},
            source,
            period,
        )
        for code, label, unit, figure in rows
    ]
    summary = {
        "annee_debut": start,
        "annee_fin": end,
        "communes_couvertes": own.communes,
        "nb_communes": int(np.count_nonzero(mask)),
        "methode": "Σ populations des communes connues aux deux millésimes ; taux annuel moyen "
        "= (Σ P fin / Σ P début)^(1/années) − 1",
    }
    return {"entries": entries, "summary": summary}
