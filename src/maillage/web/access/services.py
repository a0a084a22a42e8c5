"""APL from the referential, zoning (official and simulated), aids and « what if » scenarios.

One service module shared by the CLI (`maillage access apl --depuis-base`, `maillage zonage`,
`maillage aides --commune`), the web pages and the JSON API. Computations are the engine's
(`engine/accessibility`, `engine/rules`); this module only reads the database into arrays and
writes results back.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from django.db.models import Q

from maillage.engine import parameters, vocabulary
from maillage.engine.accessibility import decay as decays
from maillage.engine.accessibility import demand as demands
from maillage.engine.accessibility import fca, traveltimes, whatif
from maillage.engine.accessibility import zoning as zoning_engine
from maillage.engine.indicators.secrecy import is_secret, protect
from maillage.engine.rules.aids import Project, simulate_aids
from maillage.web.imports import ImportReport, atomic_import, sync
from maillage.web.secrecy import policy as secrecy_policy
from maillage.web.supply.models import Activity, IndicatorDefinition, IndicatorValue, Structure
from maillage.web.territories.models import AGE_BAND_FIELDS, Commune

from .models import AplCommune, AplRun, OfficialZone, Profession, SimulatedZone

logger = logging.getLogger(__name__)

AGE_FIELDS = [name for name, _ in AGE_BAND_FIELDS.values()]
AGE_BANDS = list(AGE_BAND_FIELDS)
ZONE_LABELS_ALL = vocabulary.ZONE_LABELS
# Colour class of each zone on the maps (CSS / JS share these names).
ZONE_CLASSES = vocabulary.ZONE_TIERS


@dataclass(frozen=True)
class Method:
    """How the APL of a profession is expressed (documented in docs/zonage.md)."""

    unit: str
    supply_in_fte: bool  # False: yearly acts (doctors); True: FTE (APL per 100 000 inhabitants)
    age_cap: bool
    factor: float
    label: str


METHODS = {
    Profession.MEDECIN: Method(
        "consultations/an/hab.", False, True, 1.0, "APL aux médecins généralistes (65 ans ou moins)"
    ),
    Profession.KINE: Method(
        "ETP pour 100 000 hab.", True, False, 1e5, "APL aux masseurs-kinésithérapeutes"
    ),
    Profession.INFIRMIER: Method("ETP pour 100 000 hab.", True, False, 1e5, "APL aux infirmiers"),
}


def check_profession(profession: str) -> str:
    if profession not in METHODS:
        raise ValueError(
            f"profession « {profession} » non prise en charge (attendu : {', '.join(METHODS)})"
        )
    return str(profession)


def indicator_code(profession: str) -> str:
    return f"apl_{profession}"


# --- Perimeter -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """A département, a région or France."""

    kind: str  # departement | region | france
    code: str = ""

    @classmethod
    def of(cls, departement: str | None = None, region: str | None = None) -> Scope:
        if departement and region:
            raise ValueError("indiquez un département ou une région, pas les deux")
        if departement:
            return cls("departement", departement)
        if region:
            return cls("region", region)
        return cls("france")

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.code}" if self.code else self.kind

    @property
    def label(self) -> str:
        if self.kind == "departement":
            return f"département {self.code}"
        if self.kind == "region":
            return f"région {self.code}"
        return "France"

    def communes(self):
        base = Commune.objects.filter(statut=Commune.Statut.ACTUELLE).exclude(
            nature=Commune.Nature.ARRONDISSEMENT
        )
        if self.kind == "departement":
            return base.filter(departement_id=self.code)
        if self.kind == "region":
            return base.filter(region_id=self.code)
        return base


# --- Inputs ----------------------------------------------------------------------------------


@dataclass
class AplInputs:
    """Everything the engine needs, for the study area plus the communes in reach."""

    profession: str
    annee: int
    on: dt.date
    codes: np.ndarray  # universe of communes (object array)
    in_scope: np.ndarray  # bool mask of the perimeter
    population: np.ndarray
    demand: np.ndarray
    supply: np.ndarray  # protected (docs/diagnostic.md)
    practitioners: np.ndarray  # protected count: the stand-in where ``secret``
    fte: np.ndarray  # protected
    secret: np.ndarray  # bool: between 1 and seuil − 1 practitioners
    weights: Any  # scipy CSR
    params: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    @property
    def method(self) -> Method:
        return METHODS[self.profession]


def _commune_table(scope: Scope, max_km: float | None) -> pd.DataFrame:
    columns = ["code", "population", "centre_lat", "centre_lon", *AGE_FIELDS]
    base = Commune.objects.filter(statut=Commune.Statut.ACTUELLE).exclude(
        nature=Commune.Nature.ARRONDISSEMENT
    )
    scope_frame = pd.DataFrame(list(scope.communes().values_list(*columns)), columns=columns)
    scope_frame["in_scope"] = True
    if scope.kind == "france" or max_km is None or scope_frame.empty:
        return scope_frame
    lat = scope_frame["centre_lat"].dropna()
    lon = scope_frame["centre_lon"].dropna()
    if lat.empty:
        return scope_frame
    # Communes around the perimeter, within the largest catchment: their supply and demand
    # count for the communes at the edge (border effect), but their APL is not stored.
    dlat = max_km / 111.0 * 1.05
    dlon = max_km / (111.0 * math.cos(math.radians(min(85.0, float(lat.abs().max()))))) * 1.05
    around = (
        base.filter(
            centre_lat__gte=float(lat.min()) - dlat,
            centre_lat__lte=float(lat.max()) + dlat,
            centre_lon__gte=float(lon.min()) - dlon,
            centre_lon__lte=float(lon.max()) + dlon,
        )
        .exclude(code__in=scope_frame["code"].tolist())
        .values_list(*columns)
    )
    around_frame = pd.DataFrame(list(around), columns=columns)
    around_frame["in_scope"] = False
    if around_frame.empty:
        return scope_frame
    return pd.concat([scope_frame, around_frame], ignore_index=True)


def consumption_profile(profession: str, on: dt.date) -> tuple[np.ndarray, dict] | None:
    """Consumption per age band from ``apl.demand.profile.<profession>`` when it exists."""
    name = f"apl.demand.profile.{profession}"
    if name not in parameters.load_parameters():
        return None
    try:
        value = parameters.get(name, on)
    except parameters.ParameterError:
        return None
    profile = np.array([float(value.value[band]) for band in AGE_BANDS])
    return profile, {"nom": name, "statut": value.statut}


def _supply(
    profession: str, codes: np.ndarray, annee: int, on: dt.date, warnings: list[str]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, dict]:
    """Supply, protected practitioner count, FTE and secret mask per commune of ``codes``.

    The supply enters the APL — a published figure — so it is protected here, once: a commune
    with between 1 and seuil − 1 eligible liberal practitioners enters at the mean stand-in
    number of practitioners and the mean activity of the large communes
    (:func:`demand.protect_supply`); its practitioner count is its stand-in, marked secret.
    """
    method = METHODS[profession]
    n = codes.size
    liberal = Q(mode_exercice=Activity.Mode.LIBERAL, professional__categorie=profession) & Q(
        professional__actif=True
    )
    rows = list(
        Activity.objects.filter(liberal, commune__isnull=False).values_list(
            "professional_id",
            "commune_id",
            "commune__commune_parente_id",
            "commune__fusionnee_dans_id",
            "professional__annee_naissance",
            "professional__actes_annuels",
            "professional__etp",
        )
    )
    info: dict[str, Any] = {"activites": len(rows)}
    if not rows:
        return np.zeros(n), np.zeros(n), np.zeros(n), np.zeros(n, dtype=bool), info
    frame = pd.DataFrame(
        rows, columns=["pro", "commune", "parent", "merged", "birth", "acts", "fte"]
    )
    # A practice in an arrondissement counts for its city, one in a merged commune for the
    # commune that absorbed it (APL is computed on current communes).
    frame["commune"] = frame["parent"].fillna(frame["merged"]).fillna(frame["commune"])
    # A practitioner with several liberal practices is split equally between them.
    shares = frame.groupby("pro")["pro"].transform("size").to_numpy(dtype=np.float64)
    index = pd.Index(codes).get_indexer(frame["commune"])
    keep = index >= 0
    activity, fte, unknown_activity = demands.practitioner_activity(
        frame["acts"].astype(float), frame["fte"].astype(float), method.supply_in_fte, on
    )
    if not method.supply_in_fte:
        info["actes_par_etp"] = float(parameters.value("apl.supply.acts_per_fte", on))
    unknown = int(unknown_activity[keep].sum())
    if unknown:
        warnings.append(
            f"{unknown} activité(s) sans actes ni ETP connus : comptées pour 1 ETP chacune."
        )
    info["activite_inconnue"] = unknown
    ages = annee - frame["birth"].astype(float).to_numpy()
    eligible = np.ones(len(frame), dtype=bool)
    if method.age_cap:
        try:
            eligible = demands.eligible_by_age(ages, on=on)
            info["age_limite"] = parameters.value("apl.supply.age_cap.age", on)
            info["age_limite_incluse"] = parameters.value("apl.supply.age_cap.inclusive", on)
            info["exclus_age"] = int((~eligible & keep).sum())
        except parameters.ParameterError:
            warnings.append("aucun âge limite en vigueur à cette date : tous les âges comptés.")
    weight = keep & eligible
    idx = index[weight]
    supply = demands.supply_by_commune(idx, (activity / shares)[weight], n)
    fte_total = demands.supply_by_commune(idx, (fte / shares)[weight], n)
    # The protected cell: distinct eligible practitioners with a liberal practice in the commune.
    pairs = np.unique(np.column_stack([idx, frame["pro"].to_numpy()[weight]]), axis=0)
    distinct = np.bincount(pairs[:, 0], minlength=n).astype(np.float64)
    pol = secrecy_policy(on)
    cells = protect(
        distinct,
        lambda positions: [f"apl|{profession}|{annee}|{c}" for c in codes[positions[0]]],
        pol.seuil,
        pol.key,
    )
    supply, fte_total = demands.protect_supply(supply, fte_total, cells, method.supply_in_fte, on)
    return supply, cells.value, fte_total, is_secret(cells.floor, cells.seuil), info


def load_inputs(
    profession: str,
    annee: int,
    scope: Scope,
    travel_times: str | Path | None = None,
    on: dt.date | None = None,
) -> AplInputs:
    """Read populations, supply and travel times of ``scope`` (plus communes in reach)."""
    profession = check_profession(profession)
    on = on or dt.date(annee, 12, 31)
    warnings: list[str] = []
    decay = decays.apl_decay(on)
    max_minutes = decays.max_minutes_of(decay)
    # The crow-fly approximation is a convention of the project, dated from the first APL
    # method: it applies to every year the method does.
    detour = float(parameters.value("traveltime.crowfly.detour_factor", on))
    speed = float(parameters.value("traveltime.crowfly.speed_kmh", on))
    max_km = max_minutes / 60.0 * speed / detour
    table = None
    if travel_times is not None:
        table = traveltimes.read_travel_times(travel_times)
    frame = _commune_table(scope, None if table is not None else max_km)
    if table is not None and scope.kind != "france":
        # The study area and every commune paired with it in the matrix.
        scope_codes = frame["code"].to_numpy(dtype=object)
        inside = pd.Index(scope_codes)
        linked = set(table.destinations[inside.get_indexer(table.origins) >= 0]) | set(
            table.origins[inside.get_indexer(table.destinations) >= 0]
        )
        extra = sorted(linked - set(scope_codes))
        if extra:
            columns = ["code", "population", "centre_lat", "centre_lon", *AGE_FIELDS]
            more = pd.DataFrame(
                list(Commune.objects.filter(code__in=extra).values_list(*columns)),
                columns=columns,
            )
            more["in_scope"] = False
            frame = pd.concat([frame, more], ignore_index=True)
    if frame.empty:
        raise ValueError(f"aucune commune dans le référentiel pour : {scope.label}")
    codes = frame["code"].to_numpy(dtype=object)
    n = codes.size
    population = frame["population"].astype(float).fillna(0.0).to_numpy()
    params: dict[str, Any] = {
        "date_parametres": on.isoformat(),
        "paliers": {str(k): float(v) for k, v in zip(decay.limits, decay.weights, strict=True)},
        "profil": None,
    }
    demand = population.copy()
    profile = consumption_profile(profession, on)
    ages = frame[AGE_FIELDS].astype(float).to_numpy()
    if profile is not None and not np.isnan(ages).any():
        demand = demands.standardised_demand(ages, profile[0])
        params["profil"] = profile[1]
    elif profile is not None:
        warnings.append("populations par âge incomplètes : population non standardisée.")
    supply, practitioners, fte, secret, supply_info = _supply(
        profession, codes, annee, on, warnings
    )
    params["offre"] = supply_info
    if table is not None:
        origins, destinations, minutes, dropped = traveltimes.index_pairs(codes, table)
        params["temps"] = {"source": "fichier", "chemin": str(travel_times), "ignores": dropped}
    else:
        known = ~(frame["centre_lat"].isna() | frame["centre_lon"].isna()).to_numpy()
        missing = int((~known).sum())
        if missing:
            warnings.append(f"{missing} commune(s) sans centre : seulement t_ii = 0.")
        position = np.flatnonzero(known)
        o, d, minutes = traveltimes.crow_fly_times(
            frame["centre_lat"].to_numpy(dtype=float)[known],
            frame["centre_lon"].to_numpy(dtype=float)[known],
            max_minutes,
            detour_factor=detour,
            speed_kmh=speed,
        )
        origins, destinations = position[o], position[d]
        params["temps"] = {
            "source": "vol_oiseau",
            "detour": detour,
            "vitesse_kmh": speed,
            "approximation": True,
        }
    origins, destinations, minutes = traveltimes.add_self_pairs(origins, destinations, minutes, n)
    weights = fca.weight_matrix(origins, destinations, minutes, decay, shape=(n, n))
    return AplInputs(
        profession=profession,
        annee=annee,
        on=on,
        codes=codes,
        in_scope=frame["in_scope"].to_numpy(dtype=bool),
        population=population,
        demand=demand,
        supply=supply,
        practitioners=practitioners,
        fte=fte,
        secret=secret,
        weights=weights,
        params=params,
        warnings=warnings,
    )


def compute(inputs: AplInputs, backend: str = "local", client=None) -> np.ndarray:
    """APL of every commune of the universe, in the unit of the profession."""
    raw = fca.e2sfca(inputs.weights, inputs.demand, inputs.supply, backend=backend, client=client)
    return raw * inputs.method.factor


# --- Storage ---------------------------------------------------------------------------------


def _tvs_groups(profession: str, codes: np.ndarray) -> np.ndarray | None:
    """TVS of each commune from the latest official zoning imported per TVS, if any."""
    rows = dict(
        OfficialZone.objects.filter(
            profession=profession, niveau=OfficialZone.Level.TVS, commune_id__in=codes.tolist()
        )
        .order_by("arrete_date")
        .values_list("commune_id", "territoire")
    )
    if not rows:
        return None
    return np.array([rows.get(code, code) for code in codes.tolist()], dtype=object)


def simulate(
    profession: str, codes: np.ndarray, apl: np.ndarray, population: np.ndarray, on: dt.date
) -> zoning_engine.ZoningSimulation:
    groups = _tvs_groups(profession, codes)
    return zoning_engine.simulate_zoning(profession, apl, population, on, codes, groups)


def _upsert_indicator(
    profession: str, annee: int, codes: list[str], apl: np.ndarray, population: np.ndarray
) -> tuple[int, int, int]:
    method = METHODS[profession]
    definition, _ = IndicatorDefinition.objects.update_or_create(
        code=indicator_code(profession),
        defaults={
            "libelle": method.label,
            "unite": method.unit,
            "facteur": 1.0,
            "numerateur": "APL × population municipale (somme sur les communes)",
            "denominateur": "population municipale",
            "source": "maillage : calcul E2SFCA (méthode APL de la DREES) sur le référentiel",
            "millesime": str(annee),
            "agregation": IndicatorDefinition.Aggregation.MOYENNE_PONDEREE,
            "secret": IndicatorDefinition.Secret.PROFESSIONNELS,
            # Computed from the protected supply (each commune count of practitioners
            # protected once): the APL itself carries no hidden count.
            "numerateur_public": "APL calculée par maillage sur l'offre protégée par le "
            "secret statistique",
            "denominateur_public": "INSEE, populations légales",
        },
    )
    existing = {
        commune: (pk, num, den)
        for pk, commune, num, den in IndicatorValue.objects.filter(
            indicator=definition, annee=annee, commune_id__in=codes
        ).values_list("pk", "commune_id", "numerateur", "denominateur")
    }
    numerators = apl * population
    to_create, to_update, unchanged = [], [], 0
    for code, num, den in zip(codes, numerators.tolist(), population.tolist(), strict=True):
        current = existing.get(code)
        if current is None:
            to_create.append(
                IndicatorValue(
                    indicator=definition,
                    commune_id=code,
                    annee=annee,
                    numerateur=num,
                    denominateur=den,
                )
            )
        elif abs(current[1] - num) > 1e-9 * max(1.0, abs(num)) or current[2] != den:
            to_update.append(IndicatorValue(pk=current[0], numerateur=num, denominateur=den))
        else:
            unchanged += 1
    IndicatorValue.objects.bulk_create(to_create, batch_size=1000)
    IndicatorValue.objects.bulk_update(to_update, ["numerateur", "denominateur"], batch_size=1000)
    return len(to_create), len(to_update), unchanged


def store(
    inputs: AplInputs, apl: np.ndarray, scope: Scope, report: ImportReport, backend: str = "local"
) -> AplRun:
    """Write the APL of the perimeter (run, communes, indicator) and its simulated zoning."""
    profession, annee = inputs.profession, inputs.annee
    mask = inputs.in_scope
    codes = inputs.codes[mask]
    values = apl[mask]
    population = inputs.population[mask]
    with atomic_import(report):
        run, _ = AplRun.objects.update_or_create(
            profession=profession,
            annee=annee,
            perimetre=scope.key,
            defaults={
                "parametres": {**inputs.params, "backend": backend, "unite": inputs.method.unit},
                "offre_totale": float(inputs.supply.sum()),
                "demande_totale": float(inputs.demand.sum()),
            },
        )
        prefix = f"{profession}:{annee}:"
        rows = {
            prefix + code: {
                "run_id": run.pk,
                "profession": profession,
                "annee": annee,
                "commune_id": code,
                "apl": float(value),
                "offre": float(s),
                "demande": float(d),
                "population": float(p),
                "praticiens": round(c),
                "etp": float(f),
                "secret": bool(x),
            }
            for code, value, s, d, p, c, f, x in zip(
                codes.tolist(),
                values.tolist(),
                inputs.supply[mask].tolist(),
                inputs.demand[mask].tolist(),
                population.tolist(),
                inputs.practitioners[mask].tolist(),
                inputs.fte[mask].tolist(),
                inputs.secret[mask].tolist(),
                strict=True,
            )
        }
        sync(AplCommune, rows, report, label="APL des communes")
        created, updated, unchanged = _upsert_indicator(
            profession, annee, codes.tolist(), values, population
        )
        report.add("valeurs de l'indicateur", created, updated, unchanged)
        store_simulation(profession, annee, codes, values, population, inputs.on, report)
    for message in inputs.warnings:
        report.warn(message)
    return run


def store_simulation(
    profession: str,
    annee: int,
    codes: np.ndarray,
    apl: np.ndarray,
    population: np.ndarray,
    on: dt.date,
    report: ImportReport,
) -> zoning_engine.ZoningSimulation:
    simulation = simulate(profession, codes, apl, population, on)
    prefix = f"{profession}:{annee}:"
    rows = {
        prefix + code: {
            "profession": profession,
            "annee": annee,
            "commune_id": code,
            "zone": zone,
            "territoire": territory,
            "apl_territoire": float(value),
            "date_regles": on,
            "parametres": simulation.used,
        }
        for code, zone, territory, value in zip(
            codes.tolist(),
            simulation.zones.tolist(),
            simulation.territories.tolist(),
            simulation.territory_apl.tolist(),
            strict=True,
        )
    }
    sync(SimulatedZone, rows, report, label="zonage simulé")
    return simulation


def compute_and_store(
    profession: str,
    annee: int,
    departement: str | None = None,
    region: str | None = None,
    travel_times: str | Path | None = None,
    backend: str = "local",
    client=None,
    on: dt.date | None = None,
    dry_run: bool = False,
) -> tuple[AplRun, ImportReport, AplInputs, np.ndarray]:
    scope = Scope.of(departement, region)
    inputs = load_inputs(profession, annee, scope, travel_times, on)
    apl = compute(inputs, backend, client)
    report = ImportReport(
        f"APL {METHODS[inputs.profession].label}, {annee}, {scope.label}", dry_run=dry_run
    )
    run = store(inputs, apl, scope, report, backend)
    return run, report, inputs, apl


def resimulate(
    profession: str, annee: int, on: dt.date, scope: Scope, dry_run: bool = False
) -> ImportReport:
    """Simulated zoning of stored APL with the rules in force on ``on``."""
    rows = list(
        AplCommune.objects.filter(
            profession=profession, annee=annee, commune__in=scope.communes()
        ).values_list("commune_id", "apl", "population")
    )
    if not rows:
        raise ValueError(
            f"aucune APL enregistrée pour {profession} en {annee} ({scope.label}) : lancez "
            "« maillage access apl --depuis-base »"
        )
    codes, apl, population = (np.array(c) for c in zip(*rows, strict=True))
    report = ImportReport(f"Zonage simulé {profession} {annee}, règles au {on:%d/%m/%Y}", dry_run)
    with atomic_import(report):
        store_simulation(
            profession,
            annee,
            codes.astype(object),
            apl.astype(float),
            population.astype(float),
            on,
            report,
        )
    return report


# --- Reading ---------------------------------------------------------------------------------


def latest_year(profession: str) -> int | None:
    return (
        AplCommune.objects.filter(profession=profession)
        .order_by("-annee")
        .values_list("annee", flat=True)
        .first()
    )


def official_zones(profession: str, codes: list[str], on: dt.date | None = None) -> dict:
    """Zone of each commune in the latest arrêté on or before ``on`` (commune → row)."""
    on = on or dt.date.today()
    rows = OfficialZone.objects.filter(
        profession=profession, commune_id__in=codes, arrete_date__lte=on
    ).order_by("arrete_date")
    return {row.commune_id: row for row in rows}


def simulated_zones(profession: str, codes: list[str], annee: int | None = None) -> dict:
    annee = annee or latest_year(profession)
    if annee is None:
        return {}
    rows = SimulatedZone.objects.filter(profession=profession, annee=annee, commune_id__in=codes)
    return {row.commune_id: row for row in rows}


def zone_label(zone: str | None) -> str:
    return vocabulary.zone_label(zone)


def zoning_map(profession: str, scope: Scope, on: dt.date | None = None) -> dict:
    """Features of the perimeter with both zonings (never merged) and APL."""
    communes = list(
        scope.communes()
        .order_by("code")
        .only("code", "nom", "population", "contour", "departement_id")
    )
    codes = [c.code for c in communes]
    official = official_zones(profession, codes, on)
    annee = latest_year(profession)
    simulated = simulated_zones(profession, codes, annee)
    apl = dict(
        AplCommune.objects.filter(
            profession=profession, annee=annee, commune_id__in=codes
        ).values_list("commune_id", "apl")
    )
    features, rows = [], []
    for c in communes:
        o, s = official.get(c.code), simulated.get(c.code)
        properties = {
            "code": c.code,
            "nom": c.nom,
            "population": c.population,
            "apl": apl.get(c.code),
            "officiel": o.zone if o else None,
            "officiel_classe": ZONE_CLASSES.get(o.zone, "inconnu") if o else "inconnu",
            "officiel_libelle": zone_label(o.zone) if o else "non importé",
            "simulation": s.zone if s else None,
            "simulation_classe": ZONE_CLASSES.get(s.zone, "inconnu") if s else "inconnu",
            "simulation_libelle": zone_label(s.zone) if s else "non calculé",
        }
        rows.append(properties)
        if c.contour:
            features.append({"type": "Feature", "geometry": c.contour, "properties": properties})
    arretes = sorted({(o.arrete_date, o.arrete_reference) for o in official.values()})
    return {
        "profession": profession,
        "perimetre": scope.key,
        "annee_apl": annee,
        "arretes": [{"date": d.isoformat(), "reference": r} for d, r in arretes],
        "unite": METHODS[profession].unit,
        "communes": rows,
        "geojson": {"type": "FeatureCollection", "features": features},
    }


def commune_card(commune: Commune, profession: str, on: dt.date | None = None) -> dict:
    """Zone (official and simulated, with sources), APL, supply and demand of a commune."""
    on = on or dt.date.today()
    official = official_zones(profession, [commune.code], on).get(commune.code)
    annee = latest_year(profession)
    simulated = simulated_zones(profession, [commune.code], annee).get(commune.code)
    row = AplCommune.objects.filter(
        profession=profession, annee=annee, commune_id=commune.code
    ).first()
    method = METHODS[profession]
    return {
        "code": commune.code,
        "nom": commune.nom,
        "profession": profession,
        "population": commune.population,
        "zonage_officiel": None
        if official is None
        else {
            "zone": official.zone,
            "libelle": zone_label(official.zone),
            "niveau": official.niveau,
            "territoire": official.territoire,
            "arrete_date": official.arrete_date.isoformat(),
            "arrete_reference": official.arrete_reference,
        },
        "zonage_simule": None
        if simulated is None
        else {
            "nature": "simulation",
            "zone": simulated.zone,
            "libelle": zone_label(simulated.zone),
            "territoire": simulated.territoire,
            "apl_territoire": simulated.apl_territoire,
            "annee_apl": simulated.annee,
            "date_regles": simulated.date_regles.isoformat(),
            "parametres": simulated.parametres,
        },
        "apl": None
        if row is None
        else {
            "annee": row.annee,
            "valeur": row.apl,
            "unite": method.unit,
            # A commune with between 1 and seuil − 1 practitioners: its supply is a stand-in,
            # never shown as if it were the commune's.
            "secret": row.secret,
            "seuil_secret": secrecy_policy().seuil,
            "offre": None if row.secret else row.offre,
            "unite_offre": "ETP" if method.supply_in_fte else "actes/an",
            "praticiens": None if row.secret else row.praticiens,
            "etp": None if row.secret else row.etp,
            "demande": row.demande,
            "population": row.population,
        },
    }


# --- Aids ------------------------------------------------------------------------------------


@dataclass
class ResolvedZone:
    zone: str  # zone given to the aid simulator
    nature: str  # officiel | simulation
    detail: str


def resolve_zone(commune_code: str, profession: str, on: dt.date) -> ResolvedZone:
    """The official zone of the commune if imported, else the simulated one (said so)."""
    official = official_zones(profession, [commune_code], on).get(commune_code)
    if official is not None:
        return ResolvedZone(
            official.zone,
            "officiel",
            f"zonage officiel, arrêté du {official.arrete_date:%d/%m/%Y}"
            + (f" ({official.arrete_reference})" if official.arrete_reference else ""),
        )
    simulated = simulated_zones(profession, [commune_code]).get(commune_code)
    if simulated is None:
        raise ValueError(
            f"commune {commune_code} : ni zonage officiel importé ni zonage simulé pour "
            f"{profession} (importez le zonage ou lancez « maillage access apl --depuis-base »)"
        )
    zone = zoning_engine.aid_zone(profession, simulated.zone)
    detail = (
        f"simulation à partir de l'APL {simulated.annee} (règles au "
        f"{simulated.date_regles:%d/%m/%Y}), pas le zonage officiel de l'ARS"
    )
    if zone != simulated.zone:
        detail += f" ; zone simulée « {zone_label(simulated.zone)} » comptée comme {zone}"
    return ResolvedZone(zone, "simulation", detail)


def aids_for_commune(
    commune_code: str, profession: str, on: dt.date, project: Project
) -> tuple[ResolvedZone, Any]:
    resolved = resolve_zone(commune_code, profession, on)
    return resolved, simulate_aids(profession, resolved.zone, on, project)


# --- Scenarios -------------------------------------------------------------------------------


def run_parameters(profession: str, annee: int, scope: Scope) -> tuple[dt.date, str | None]:
    """Date of parameters and travel-time file of the stored run (defaults otherwise)."""
    run = AplRun.objects.filter(profession=profession, annee=annee, perimetre=scope.key).first()
    if run is None:
        return dt.date(annee, 12, 31), None
    on = dt.date.fromisoformat(run.parametres.get("date_parametres", f"{annee}-12-31"))
    travel = run.parametres.get("temps", {})
    path = travel.get("chemin") if travel.get("source") == "fichier" else None
    if path and not Path(path).exists():
        path = None
    return on, path


def msp_fte(structure: Structure, profession: str) -> float:
    """FTE of the practitioners of ``profession`` practising at an MSP's site, protected like
    a commune cell: between 1 and seuil − 1 practitioners count as the MSP's fixed stand-in
    number at the nominal FTE (the scenario publishes the APL change it causes)."""
    sites = {structure.identifiant, structure.etablissement_id} - {None, ""}
    fte = dict(
        Activity.objects.filter(
            finess_site__in=sites,
            professional__categorie=profession,
            professional__actif=True,
        ).values_list("professional_id", "professional__etp")
    )
    values = np.array([np.nan if v is None else v for v in fte.values()], dtype=float)
    _, counted, _ = demands.practitioner_activity(np.full(values.size, np.nan), values, True)
    pol = secrecy_policy()
    cells = protect(
        np.array([float(len(fte))]),
        lambda _positions: [f"msp|{profession}|{structure.kind}:{structure.identifiant}"],
        pol.seuil,
        pol.key,
    )
    total = np.array([counted.sum()])
    _, protected = demands.protect_supply(total, total, cells, in_fte=True)
    return float(protected[0])


def scenario(
    profession: str,
    departement: str,
    changes: dict[str, float],
    annee: int | None = None,
    on: dt.date | None = None,
) -> dict:
    """APL and simulated zone before / after adding or removing FTE in some communes.

    ``changes`` maps commune codes to a change in FTE (negative: departures). Recomputed
    incrementally: only communes in reach of a changed commune are recomputed.
    """
    profession = check_profession(profession)
    annee = annee or latest_year(profession) or dt.date.today().year
    scope = Scope.of(departement)
    run_on, travel = run_parameters(profession, annee, scope)
    inputs = load_inputs(profession, annee, scope, travel, run_on)
    on = on or run_on
    index = pd.Index(inputs.codes)
    positions = index.get_indexer(list(changes))
    if (positions < 0).any():
        unknown = [c for c, p in zip(changes, positions, strict=True) if p < 0]
        raise ValueError(f"commune(s) hors du périmètre : {', '.join(unknown)}")
    method = inputs.method
    unit = 1.0 if method.supply_in_fte else float(parameters.value("apl.supply.acts_per_fte", on))
    delta = np.array(list(changes.values()), dtype=float) * unit
    new_supply = np.maximum(0.0, inputs.supply[positions] + delta)
    state = whatif.prepare(inputs.weights, inputs.demand, inputs.supply)
    new_state, changed = whatif.change_supply(state, positions, new_supply)
    before = state.accessibility * method.factor
    after = new_state.accessibility * method.factor
    mask = inputs.in_scope
    scope_codes = inputs.codes[mask]
    zones_before = simulate(profession, scope_codes, before[mask], inputs.population[mask], on)
    zones_after = simulate(profession, scope_codes, after[mask], inputs.population[mask], on)
    scope_position = np.full(inputs.codes.size, -1)
    scope_position[np.flatnonzero(mask)] = np.arange(mask.sum())
    names = dict(
        Commune.objects.filter(code__in=inputs.codes[changed].tolist()).values_list("code", "nom")
    )
    rows = []
    order = changed[np.argsort(-(after[changed] - before[changed]), kind="stable")]
    for i in order.tolist():
        k = scope_position[i]
        rows.append(
            {
                "code": inputs.codes[i],
                "nom": names.get(inputs.codes[i], ""),
                "population": float(inputs.population[i]),
                "dans_perimetre": bool(mask[i]),
                "apl_avant": float(before[i]),
                "apl_apres": float(after[i]),
                "variation": float(after[i] - before[i]),
                "zone_avant": zones_before.zones[k] if k >= 0 else None,
                "zone_apres": zones_after.zones[k] if k >= 0 else None,
            }
        )
    return {
        "nature": "simulation",
        "profession": profession,
        "annee": annee,
        "departement": departement,
        "date_regles": on.isoformat(),
        "unite": method.unit,
        "changements": [{"commune": c, "etp": float(v)} for c, v in changes.items()],
        "communes_recalculees": int(changed.size),
        "communes_total": int(inputs.codes.size),
        "communes": rows,
        "parametres_zonage": zones_after.used,
        "temps": inputs.params.get("temps", {}),
    }


def candidates(
    departement: str,
    annee: int | None = None,
    limit: int = 10,
    profession: str = Profession.MEDECIN,
) -> dict:
    """Communes where one more FTE would fill most of the shortfall under the ZIP threshold."""
    profession = check_profession(profession)
    annee = annee or latest_year(profession) or dt.date.today().year
    scope = Scope.of(departement)
    on, travel = run_parameters(profession, annee, scope)
    inputs = load_inputs(profession, annee, scope, travel, on)
    state = whatif.prepare(inputs.weights, inputs.demand, inputs.supply)
    method = inputs.method
    if method.supply_in_fte:
        raise ValueError("classement des candidates : disponible pour les médecins généralistes")
    threshold = float(parameters.value("apl.zoning.threshold_zip", on))
    added = float(parameters.value("apl.supply.acts_per_fte", on))
    order, gain = whatif.rank_candidates(
        state, population=inputs.population, added_supply=added, threshold=threshold
    )
    order = order[inputs.in_scope[order] & (gain[order] > 0)][:limit]
    names = dict(
        Commune.objects.filter(code__in=inputs.codes[order].tolist()).values_list("code", "nom")
    )
    return {
        "nature": "simulation",
        "profession": profession,
        "annee": annee,
        "departement": departement,
        "seuil": threshold,
        "ajout_actes": added,
        "communes": [
            {
                "rang": rank + 1,
                "code": inputs.codes[j],
                "nom": names.get(inputs.codes[j], ""),
                "apl": float(state.accessibility[j]),
                "gain": float(gain[j]),
            }
            for rank, j in enumerate(order.tolist())
        ],
    }


def structures_msp(departement: str) -> list[Structure]:
    return list(
        Structure.objects.filter(
            kind=Structure.Kind.MSP, commune__departement_id=departement
        ).order_by("nom")
    )
