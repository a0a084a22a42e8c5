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
from typing import Any

import numpy as np

from .evolution import Evolution, population_evolution, vintages
from .figures import GP_AGE_LIMIT, GP_CATEGORY, LEVELS, PER, Figure, cached_level, level_figures
from .places import dominant, nearest_establishments, structures, weighted_centre
from .snapshot import AGE_BANDS, Snapshot

__all__ = ["GP_AGE_LIMIT", "GP_CATEGORY", "LEVELS", "PER", "Figure", "diagnose", "level_figures"]


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
    dep = dominant(snapshot.departement[idx], snapshot.population[idx])
    reg = dominant(snapshot.region[idx], snapshot.population[idx])
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
