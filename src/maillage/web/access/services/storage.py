"""Write an APL computation back: run, commune rows, indicator values and simulated zoning."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np

from maillage.engine.accessibility import zoning as zoning_engine
from maillage.web.imports import ImportReport, atomic_import, sync
from maillage.web.supply.models import IndicatorDefinition, IndicatorValue

from ..models import AplCommune, AplRun, OfficialZone, SimulatedZone
from .inputs import AplInputs, compute, load_inputs
from .methods import METHODS, Scope, indicator_code

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
