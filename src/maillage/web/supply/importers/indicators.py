"""Import of indicator values per commune / département (generic files, APL, data.ameli)."""

from __future__ import annotations

from pathlib import Path

from maillage.engine.sources import indicators
from maillage.engine.sources.errors import SourceError
from maillage.web.imports import (
    ImportReport,
    PlannedWrites,
    Progress,
    atomic_import,
    examples,
    insert_statement,
    tick,
    update_statement,
)
from maillage.web.limits import archive_limits
from maillage.web.territories.models import Commune, Departement

from ..models import (
    DepartementIndicatorValue,
    IndicatorDefinition,
    IndicatorValue,
    SupplyImport,
)
from .common import AMELI_SOURCE, APL_INDICATOR, _current_commune, _record
from .registry import load_registry, sync_registry


def _plan_values(
    values: dict[tuple[str, str, int], tuple[float, float | None]],
) -> PlannedWrites:
    """Writes of IndicatorValue rows keyed by (indicator, commune, year), computed before the
    write transaction."""
    indicators_ = {key[0] for key in values}
    years = {key[2] for key in values}
    existing = {
        (v.indicator_id, v.commune_id, v.annee): v
        for v in IndicatorValue.objects.filter(indicator_id__in=indicators_, annee__in=years)
    }
    to_create, to_update, unchanged = [], [], 0
    for key, (numerator, denominator) in values.items():
        row = existing.get(key)
        if row is None:
            to_create.append(
                IndicatorValue(
                    indicator_id=key[0],
                    commune_id=key[1],
                    annee=key[2],
                    numerateur=numerator,
                    denominateur=denominator,
                )
            )
        elif _close(row.numerateur, numerator) and _close(row.denominateur, denominator):
            unchanged += 1
        else:
            row.numerateur, row.denominateur = numerator, denominator
            to_update.append(row)
    plan = PlannedWrites("valeurs d'indicateurs", created=len(to_create), updated=len(to_update))
    plan.unchanged = unchanged
    if to_create:
        plan.statements.append(insert_statement(IndicatorValue, to_create))
    if to_update:
        plan.statements.append(
            update_statement(IndicatorValue, to_update, ["numerateur", "denominateur"])
        )
    return plan


def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return abs(a - b) <= 1e-9 * max(1.0, abs(b))


def import_indicators(
    path: Path, *, dry_run: bool = False, progress: Progress | None = None
) -> ImportReport:
    """Values ``indicateur;code_insee;annee;numerateur;denominateur`` of registry indicators."""
    path = Path(path)
    records = list(tick(progress, indicators.iter_indicator_values(path)))
    report = ImportReport(f"Import d'indicateurs ({path.name})", dry_run)
    known = set(load_registry()) | set(IndicatorDefinition.objects.values_list("code", flat=True))
    for record in records:
        if record.indicateur not in known:
            raise SourceError(
                path,
                "indicateur inconnu du registre",
                line=record.line,
                column="indicateur",
                expected="un code de supply/indicateurs.yaml ou de l'administration",
                found=record.indicateur,
            )
    communes = _current_commune({r.code_insee for r in records})
    for record in records:
        if record.code_insee not in communes:
            raise SourceError(
                path,
                "commune absente du référentiel",
                line=record.line,
                column="code_insee",
                found=record.code_insee,
            )
    values: dict[tuple[str, str, int], tuple[float, float | None]] = {}
    for r in records:
        key = (r.indicateur, communes[r.code_insee], r.annee)
        if key in values:  # two merged communes of the file: their values add up
            numerator, denominator = values[key]
            values[key] = (
                numerator + r.numerateur,
                None
                if denominator is None or r.denominateur is None
                else denominator + r.denominateur,
            )
        else:
            values[key] = (r.numerateur, r.denominateur)
    plan = _plan_values(values)
    with atomic_import(report):
        sync_registry(report)
        plan.apply(report)
        _record(SupplyImport.Kind.INDICATEURS, path, report)
    return report


def import_apl(
    path: Path,
    *,
    dry_run: bool = False,
    indicator: str = APL_INDICATOR,
    apl_column: str | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """DREES APL: numerator = APL × population, denominator = population (weighted mean)."""
    path = Path(path)
    values = indicators.iter_apl_values(path, apl_column=apl_column, limits=archive_limits())
    records = list(tick(progress, values))
    populations = dict(
        Commune.objects.filter(code__in={r.code_insee for r in records}).values_list(
            "code", "population"
        )
    )
    report = ImportReport(f"Import de l'APL DREES ({path.name})", dry_run)
    values, empty, outside = {}, 0, []
    for r in records:
        population = populations.get(r.code_insee)
        if r.apl is None:
            empty += 1
        elif not population:
            outside.append(r.code_insee)
        else:
            values[(indicator, r.code_insee, r.annee)] = (r.apl * population, float(population))
    if empty:
        report.warn(f"{empty} cellules APL vides ou « NA » ignorées")
    if outside:
        report.warn(
            f"{len(outside)} communes absentes du référentiel ou sans population ignorées : "
            f"{examples(sorted(outside))}"
        )
    if indicator not in load_registry() and not (
        IndicatorDefinition.objects.filter(code=indicator).exists()
    ):
        raise SourceError(path, "indicateur inconnu du registre", found=indicator)
    plan = _plan_values(values)
    with atomic_import(report):
        sync_registry(report)
        plan.apply(report)
        _record(SupplyImport.Kind.APL, path, report)
    return report


def import_ameli(
    path: Path, *, dry_run: bool = False, progress: Progress | None = None
) -> ImportReport:
    """data.ameli demography (totals per département and profession): NS / NC stay NULL."""
    path = Path(path)
    records = list(tick(progress, indicators.iter_ameli_demography(path, rows="totals")))
    known = set(Departement.objects.values_list("code", flat=True))
    rows: dict[tuple, float | None] = {}
    outside = set()
    for r in records:
        if r.departement not in known:
            outside.add(r.departement)
            continue
        for name, value in (("effectif", r.effectif), ("densite", r.densite)):
            key = (AMELI_SOURCE, name, r.departement, r.annee, r.profession_sante[:120])
            rows[key] = None if value is None else float(value)
    report = ImportReport(f"Import data.ameli ({path.name})", dry_run)
    if outside:
        report.warn(
            f"{len(outside)} départements hors référentiel ignorés : {examples(sorted(outside))}"
        )
    existing = {
        (v.source, v.indicateur, v.departement_id, v.annee, v.profession): v
        for v in DepartementIndicatorValue.objects.filter(source=AMELI_SOURCE)
    }
    create, update, unchanged = [], [], 0
    for key, value in rows.items():
        row = existing.get(key)
        if row is None:
            create.append(
                DepartementIndicatorValue(
                    source=key[0],
                    indicateur=key[1],
                    departement_id=key[2],
                    annee=key[3],
                    profession=key[4],
                    valeur=value,
                )
            )
        elif _close(row.valeur, value):
            unchanged += 1
        else:
            row.valeur = value
            update.append(row)
    plan = PlannedWrites("valeurs départementales", created=len(create), updated=len(update))
    plan.unchanged = unchanged
    if create:
        plan.statements.append(insert_statement(DepartementIndicatorValue, create))
    if update:
        plan.statements.append(update_statement(DepartementIndicatorValue, update, ["valeur"]))
    with atomic_import(report):
        plan.apply(report)
        _record(SupplyImport.Kind.AMELI, path, report)
    return report
