"""Legal populations (history by year) and populations by age band of the communes."""

from __future__ import annotations

from pathlib import Path

from maillage.engine.sources import populations
from maillage.web.imports import (
    ImportReport,
    PlannedWrites,
    Progress,
    atomic_import,
    examples,
    insert_statement,
    plan_sync,
    tick,
    update_statement,
)

from ..models import (
    AGE_BAND_FIELDS,
    Commune,
    PopulationLegale,
)


def import_legal_populations(
    path: Path, year: int, *, dry_run: bool = False, progress: Progress | None = None
) -> ImportReport:
    """Legal populations of ``year``: stored in the history (every vintage is kept) and, unless
    a newer vintage is already current, as the commune's population."""
    records = list(tick(progress, populations.read_legal_populations(Path(path))))
    values = {r.code: r.population_municipale for r in records}
    newer = set(
        Commune.objects.filter(code__in=list(values), population_annee__gt=year).values_list(
            "code", flat=True
        )
    )
    rows = {
        code: {"population": value, "population_annee": year}
        for code, value in values.items()
        if code not in newer
    }
    report = ImportReport(f"Import des populations légales {year} ({path})", dry_run)
    communes = plan_sync(Commune, rows, label="communes", create=False)
    known = set(Commune.objects.filter(code__in=list(values)).values_list("code", flat=True))
    history = plan_population_history(values, year, known=known)
    with atomic_import(report):
        missing = communes.apply(report)
        history.apply(report)
    if missing:
        report.warn(f"{len(missing)} codes absents du référentiel ignorés : {examples(missing)}")
    if newer:
        report.warn(
            f"{len(newer)} communes gardent leur population d'un millésime plus récent "
            f"(le millésime {year} est conservé dans l'historique)"
        )
    return report


def plan_population_history(
    values: dict[str, int],
    year: int,
    *,
    known: set[str] | None = None,
    label: str = "populations (historique)",
) -> PlannedWrites:
    """Writes of the history rows of ``year`` for the ``known`` communes of ``values``
    (default: those in the database), diff-based: rows of other vintages and of communes
    absent from ``values`` are kept."""
    if known is None:
        known = set(Commune.objects.filter(code__in=list(values)).values_list("code", flat=True))
    existing = {
        commune: (pk, population)
        for pk, commune, population in PopulationLegale.objects.filter(
            annee=year, commune_id__in=list(known)
        ).values_list("pk", "commune_id", "population")
    }
    to_create = [
        PopulationLegale(commune_id=code, annee=year, population=value)
        for code, value in values.items()
        if code in known and code not in existing
    ]
    changed = [
        PopulationLegale(pk=existing[code][0], commune_id=code, annee=year, population=value)
        for code, value in values.items()
        if code in existing and existing[code][1] != value
    ]
    plan = PlannedWrites(label, created=len(to_create), updated=len(changed))
    plan.unchanged = len(existing) - len(changed)
    if to_create:
        plan.statements.append(insert_statement(PopulationLegale, to_create))
    if changed:
        plan.statements.append(update_statement(PopulationLegale, changed, ["population"]))
    return plan


def sync_population_history(
    values: dict[str, int], year: int, report: ImportReport, **options
) -> None:
    """:func:`plan_population_history` applied at once (inside :func:`atomic_import`)."""
    plan_population_history(values, year, **options).apply(report)


def import_age_populations(
    path: Path, *, dry_run: bool = False, progress: Progress | None = None
) -> ImportReport:
    year, records = populations.read_age_populations(Path(path))
    rows = {}
    for record in tick(progress, records):
        values = {AGE_BAND_FIELDS[band][0]: round(value, 4) for band, value in record.bands.items()}
        values["pop_ages_annee"] = year
        rows[record.code] = values
    report = ImportReport(f"Import des populations par âge {year} ({path})", dry_run)
    plan = plan_sync(Commune, rows, label="communes", create=False)
    with atomic_import(report):
        missing = plan.apply(report)
    if missing:
        report.warn(f"{len(missing)} codes absents du référentiel ignorés : {examples(missing)}")
    return report
