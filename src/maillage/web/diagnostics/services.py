"""Read side of the diagnosis: builds the snapshot arrays from the database once per data
version, resolves territory selections, and calls the pure engine.

The snapshot is kept in memory and in a file next to the database, keyed by the data version
that every write of the reference data bumps (:mod:`.snapshot_cache`,
:mod:`maillage.web.dataversion`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
from django.db.models import Max, Q

from maillage.engine.indicators import IndicatorSeries, Snapshot, selection
from maillage.engine.indicators import diagnose as engine_diagnose
from maillage.engine.indicators.cells import indicator_cells, main_commune, supply_cells
from maillage.engine.indicators.diagnosis import GP_AGE_LIMIT, GP_CATEGORY
from maillage.engine.indicators.secrecy import publish
from maillage.engine.rules import cpts_fonctionnement, cpts_size
from maillage.engine.rules.common import ParameterTrail
from maillage.engine.sources.finess import load_category_table
from maillage.engine.sources.professions import load_profession_table
from maillage.web.secrecy import policy
from maillage.web.supply.models import (
    Activity,
    Establishment,
    IndicatorDefinition,
    IndicatorValue,
    Professional,
    Structure,
    StructureCommune,
)
from maillage.web.territories import services as territory_services
from maillage.web.territories.models import (
    AGE_BAND_FIELDS,
    Commune,
    Departement,
    Epci,
    PopulationLegale,
    Region,
)

from . import snapshot_cache
from .snapshot_supply import read_activities, read_professionals


class TerritoryError(ValueError):
    """A selection that names no known commune (message in French)."""


def invalidate() -> None:
    """Forget this process's snapshot (tests; the data version already covers every write)."""
    snapshot_cache.invalidate()


def snapshot() -> Snapshot:
    """The snapshot of the current data version, from memory, its file or the database."""
    # The record keys derive from the policy: it is part of the snapshot's key.
    return snapshot_cache.current(build_snapshot, policy().fingerprint())


def _floats(values) -> np.ndarray:
    return np.array([np.nan if v is None else v for v in values], dtype=np.float64)


def build_snapshot(version: str) -> Snapshot:
    pol = policy()
    band_fields = [field for field, _label in AGE_BAND_FIELDS.values()]
    rows = list(
        Commune.objects.filter(statut=Commune.Statut.ACTUELLE, nature=Commune.Nature.COMMUNE)
        .order_by("code")
        .values_list(
            "code",
            "nom",
            "population",
            "surface_km2",
            "departement_id",
            "region_id",
            "epci_id",
            "centre_lon",
            "centre_lat",
            *band_fields,
        )
    )
    columns = list(zip(*rows, strict=True)) if rows else [()] * (9 + len(band_fields))
    codes = np.array(columns[0], dtype=object)
    index = {code: i for i, code in enumerate(columns[0])}
    # Municipal arrondissements (Paris, Lyon, Marseille) count for their parent commune.
    for code, parent in Commune.objects.filter(
        nature=Commune.Nature.ARRONDISSEMENT, commune_parente__isnull=False
    ).values_list("code", "commune_parente_id"):
        if parent in index:
            index[code] = index[parent]
    ages = np.column_stack([_floats(c) for c in columns[9:]]) if rows else np.zeros((0, 7))
    years = Commune.objects.aggregate(p=Max("population_annee"), a=Max("pop_ages_annee"))

    def commune_index(code_list) -> np.ndarray:
        return np.array([index.get(c, -1) if c else -1 for c in code_list], dtype=np.int32)

    professions = load_profession_table()
    labels = professions.labels
    staff = read_professionals(
        Professional.objects.filter(actif=True), {c.code for c in professions.categories}
    )
    categories = staff.categories
    # In file order: a professional's main commune is the one of their first practice.
    activities = read_activities(
        Activity.objects.filter(commune__isnull=False, professional__actif=True).order_by("pk"),
        staff.ids,
        commune_index,
    )
    liberal = np.zeros(len(staff.ids), dtype=bool)
    liberal[activities.owner[activities.liberal]] = True
    prof_commune = main_commune(activities.owner, activities.commune, len(staff.ids))
    age_year = dt.date.today().year
    supply = supply_cells(
        codes,
        categories,
        staff.category,
        prof_commune,
        liberal,
        staff.birth_year,
        pol,
        age_year,
        GP_CATEGORY,
        GP_AGE_LIMIT,
    )

    finess = load_category_table()
    etabs = list(Establishment.objects.values_list("classe", "lon", "lat", "nom", "commune_id"))
    etab_cols = list(zip(*etabs, strict=True)) if etabs else [(), (), (), (), ()]
    classes = sorted(set(etab_cols[0]))
    class_index = {c: i for i, c in enumerate(classes)}

    structs = list(Structure.objects.values_list("pk", "kind", "identifiant", "nom", "commune_id"))
    struct_pos = {row[0]: i for i, row in enumerate(structs)}
    pairs = [(pk, commune) for pk, *_rest, commune in structs if commune]
    pairs += list(StructureCommune.objects.values_list("structure_id", "commune_id"))
    pairs = sorted({(struct_pos[s], index[c]) for s, c in pairs if c in index})

    indicators = [
        series for d in IndicatorDefinition.objects.all() if (series := _series(d, index, pol))
    ]

    pop_years, pop_history = _population_history(index, columns[0])

    return Snapshot(
        version=version,
        codes=codes,
        noms=np.array(columns[1], dtype=object),
        population=_floats(columns[2]),
        surface=_floats(columns[3]),
        ages=ages,
        departement=np.array(columns[4], dtype=object),
        region=np.array(columns[5], dtype=object),
        epci=np.array(columns[6], dtype=object),
        lon=_floats(columns[7]),
        lat=_floats(columns[8]),
        population_annee=years["p"],
        ages_annee=years["a"],
        departement_noms=dict(Departement.objects.values_list("code", "nom")),
        region_noms=dict(Region.objects.values_list("code", "nom")),
        categories=categories,
        category_labels=labels,
        supply=supply,
        professionals=int((prof_commune >= 0).sum()),
        classes=classes,
        class_labels=finess.labels,
        etab_class=np.array([class_index[c] for c in etab_cols[0]], dtype=np.int16),
        etab_lon=_floats(etab_cols[1]),
        etab_lat=_floats(etab_cols[2]),
        etab_nom=np.array(etab_cols[3], dtype=object),
        etab_commune=commune_index(etab_cols[4]),
        struct_kind=np.array([s[1] for s in structs], dtype=object),
        struct_id=np.array([s[2] for s in structs], dtype=object),
        struct_nom=np.array([s[3] for s in structs], dtype=object),
        struct_pk=np.array([s[0] for s in structs], dtype=np.int64),
        pair_struct=np.array([p[0] for p in pairs], dtype=np.int64),
        pair_commune=np.array([p[1] for p in pairs], dtype=np.int64),
        indicators=indicators,
        pop_years=pop_years,
        pop_history=pop_history,
        seuils=dict(pol.seuils),
        policy=pol.fingerprint(),
    )


def _series(definition: IndicatorDefinition, index: dict[str, int], pol) -> IndicatorSeries | None:
    """Protected cells of the latest vintage of a registry indicator (None when not loaded)."""
    latest = definition.valeurs.aggregate(a=Max("annee"))["a"]
    if latest is None:
        return None  # defined in the registry but not loaded: nothing to show
    values = list(
        IndicatorValue.objects.filter(indicator=definition, annee=latest).values_list(
            "commune_id", "numerateur", "denominateur"
        )
    )
    cols = list(zip(*values, strict=True)) if values else [(), (), ()]
    commune = np.array([index.get(c, -1) for c in cols[0]], dtype=np.int32)
    keep = commune >= 0
    codes = np.array(cols[0], dtype=object)[keep]
    num, den = _floats(cols[1])[keep], _floats(cols[2])[keep]

    def cells(values, part, public_source):
        return indicator_cells(
            definition.code, latest, codes, values, part, public_source, pol, definition.secret
        )

    return IndicatorSeries(
        code=definition.code,
        libelle=definition.libelle,
        unite=definition.unite,
        facteur=definition.facteur,
        numerateur=definition.numerateur,
        denominateur=definition.denominateur,
        source=definition.source,
        millesime=definition.millesime,
        agregation=definition.agregation,
        secret=definition.secret,
        numerateur_public=definition.numerateur_public,
        denominateur_public=definition.denominateur_public,
        annee=latest,
        commune=commune[keep],
        num=cells(num, "numerateur", definition.numerateur_public),
        den=cells(den, "denominateur", definition.denominateur_public),
        has_den=np.isfinite(den) & np.isfinite(num),
    )


def _population_history(index: dict[str, int], current: tuple) -> tuple[list[int], np.ndarray]:
    """Legal populations of every stored vintage, (communes × vintages), NaN when unknown.

    A commune merged into another counts for the current commune (so that an old vintage,
    stored under the old codes, sums into today's commune); municipal arrondissements are
    skipped (their parent commune has its own, summed, row).
    """
    rows = list(PopulationLegale.objects.values_list("commune_id", "annee", "population"))
    n = len(current)
    if not rows:
        return [], np.zeros((n, 0))
    target = {code: i for i, code in enumerate(current)}
    for old, new in Commune.objects.filter(
        statut=Commune.Statut.FUSIONNEE, fusionnee_dans__isnull=False
    ).values_list("code", "fusionnee_dans_id"):
        if new in target and old not in target:
            target[old] = target[new]
    codes, years, values = zip(*rows, strict=True)
    pop_years = sorted(set(years))
    where = np.array([target.get(c, -1) for c in codes], dtype=np.int64)
    column = np.searchsorted(np.array(pop_years), np.array(years))
    keep = where >= 0
    sums = np.zeros((n, len(pop_years)))
    counts = np.zeros((n, len(pop_years)))
    np.add.at(sums, (where[keep], column[keep]), np.array(values, dtype=np.float64)[keep])
    np.add.at(counts, (where[keep], column[keep]), 1.0)
    return pop_years, np.where(counts > 0, sums, np.nan)


# ---------------------------------------------------------------------------------------------
# CPTS size and fonctionnement, from the dated parameters


def cpts_info(population: int, at: dt.date) -> dict[str, Any]:
    trail = ParameterTrail()
    size = cpts_size(int(population), at, trail)
    amount = cpts_fonctionnement(size, at, trail)
    used = trail.to_list()
    return {
        "taille": size,
        "fonctionnement": {
            "montant": float(amount),
            "unite": "€ par an",
            "parametres": used,
            "verifie": trail.all_verified,
        },
    }


# ---------------------------------------------------------------------------------------------
# Territory selection


def _codes(snap: Snapshot, indices) -> list[str]:
    return snap.codes[np.asarray(indices, dtype=np.int64)].tolist()


def epci_choices(departement: str) -> list[tuple[str, str]]:
    """(SIREN, name) of the EPCI with a commune in ``departement``, for the picker."""
    return list(
        Epci.objects.filter(communes__departement_id=departement)
        .distinct()
        .order_by("nom")
        .values_list("siren", "nom")
    )


def cpts_choices(departement: str) -> list[tuple[int, str, str]]:
    """(id, name, identifier) of the CPTS whose perimeter or seat lies in ``departement``."""
    structures = (
        Structure.objects.filter(kind=Structure.Kind.CPTS)
        .filter(
            Q(commune__departement_id=departement)
            | Q(perimetre__commune__departement_id=departement)
        )
        .distinct()
        .order_by("nom")
    )
    return list(structures.values_list("pk", "nom", "identifiant"))


def resolve(
    communes: list[str] | None = None,
    epci: str | None = None,
    cpts: str | int | None = None,
    autour: str | None = None,
    km: float | None = None,
    minutes: float | None = None,
    polygone: list[list[float]] | None = None,
    zone: str | None = None,
) -> tuple[list[str], str]:
    """Commune codes and a French label of a selection. Raises :class:`TerritoryError`."""
    snap = snapshot()
    if communes:
        known = [c for c in dict.fromkeys(c.strip() for c in communes) if c in snap.index]
        codes = sorted({snap.codes[snap.index[c]] for c in known})
        label = f"{len(codes)} commune(s) choisie(s)"
    elif epci:
        found = Epci.objects.filter(siren=epci).first()
        if found is None:
            raise TerritoryError(f"EPCI inconnu : {epci}")
        codes = _codes(snap, np.flatnonzero(snap.epci == epci))
        label = found.nom
    elif cpts:
        lookup = {"kind": Structure.Kind.CPTS}
        structure = None
        if str(cpts).isdigit():
            structure = Structure.objects.filter(pk=int(cpts), **lookup).first()
        structure = structure or Structure.objects.filter(identifiant=str(cpts), **lookup).first()
        if structure is None:
            raise TerritoryError(f"CPTS inconnue : {cpts}")
        members = StructureCommune.objects.filter(structure=structure).values_list(
            "commune_id", flat=True
        )
        codes = sorted({snap.codes[snap.index[c]] for c in members if c in snap.index})
        label = structure.nom
    elif zone:
        try:
            found_zone = territory_services.find_zone(zone)
        except territory_services.ZoneNotFound as error:
            raise TerritoryError(str(error)) from error
        members = territory_services.zone_communes(found_zone)
        codes = sorted({snap.codes[snap.index[c]] for c in members if c in snap.index})
        label = territory_services.zone_label(found_zone)
    elif autour:
        if autour not in snap.index:
            raise TerritoryError(f"commune inconnue : {autour}")
        centre = snap.codes[snap.index[autour]]
        if minutes is not None:
            from maillage.engine import parameters

            detour = parameters.value("traveltime.crowfly.detour_factor")
            speed = parameters.value("traveltime.crowfly.speed_kmh")
            found = selection.within_minutes(snap, centre, float(minutes), detour, speed)
            label = f"communes à {minutes:g} min ou moins de {snap.noms[snap.index[centre]]}"
        else:
            distance = float(km if km is not None else 10)
            found = selection.within_km(snap, centre, distance)
            label = f"communes à {distance:g} km ou moins de {snap.noms[snap.index[centre]]}"
        codes = _codes(snap, found)
    elif polygone:
        codes = _codes(snap, selection.inside_polygon(snap, [tuple(p[:2]) for p in polygone]))
        label = f"sélection sur la carte ({len(codes)} communes)"
    else:
        raise TerritoryError("aucune commune choisie")
    if not codes:
        raise TerritoryError("aucune commune connue dans la sélection")
    return codes, label


def diagnose(codes: list[str], at: dt.date | None = None, label: str = "") -> dict[str, Any]:
    """The published diagnosis (secrecy applied) of the communes ``codes``."""
    at = at or dt.date.today()
    snap = snapshot()
    idx = snap.indices(codes)
    if idx.size == 0:
        raise TerritoryError("aucune commune connue dans la sélection")
    population = round(float(np.nansum(snap.population[idx])))
    result = engine_diagnose(snap, idx, at, cpts_info(population, at))
    result["territoire"]["nom"] = label or f"{idx.size} commune(s)"
    return result


def published_professionals(codes: list[str]) -> dict[str, dict]:
    """Published (protected) professionals by category over the communes ``codes``, the same
    cells as the diagnosis: each professional counted in the commune of their main practice.
    Categories with nobody are left out; a secret count reads ``None`` with ``secret``."""
    snap = snapshot()
    rows = snap.indices(codes)
    effectif = publish(snap.supply.effectif, rows)
    liberaux = publish(snap.supply.liberaux, rows)
    result = {}
    for c, category in enumerate(snap.categories):
        if not effectif.secret[c] and not effectif.valeur[c]:
            continue
        result[category] = {
            "libelle": snap.category_labels.get(category, category),
            "effectif": None if effectif.secret[c] else int(effectif.valeur[c]),
            "liberaux": None if liberaux.secret[c] else int(liberaux.valeur[c]),
            "secret": bool(effectif.secret[c] or liberaux.secret[c]),
        }
    return result
