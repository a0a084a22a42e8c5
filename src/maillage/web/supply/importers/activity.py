"""Import of the CPAM activity file (yearly acts and FTE of each professional)."""

from __future__ import annotations

from pathlib import Path

from maillage.engine.sources import rpps
from maillage.engine.sources.errors import SourceError
from maillage.web.imports import (
    ImportReport,
    PlannedWrites,
    Progress,
    atomic_import,
    examples,
    tick,
    update_statement,
)

from ..models import (
    Professional,
    SupplyImport,
)
from .common import _record

# --------------------------------------------------------------------------- CPAM activity


def import_professional_activity(
    path: Path, *, dry_run: bool = False, progress: Progress | None = None
) -> ImportReport:
    """Year of birth, acts and FTE of professionals (the latest year of each is kept)."""
    path = Path(path)
    latest: dict[str, rpps.ProfessionalActivity] = {}
    for record in tick(progress, rpps.iter_professional_activity(path)):
        known = latest.get(record.identifiant_national)
        if known is None or record.annee > known.annee:
            latest[record.identifiant_national] = record
    if not latest:
        raise SourceError(path, "aucune ligne de données après l'en-tête", line=2, character=1)
    report = ImportReport(f"Import de l'activité des professionnels ({path.name})", dry_run)
    # The diff is computed before the write transaction, which only runs the update.
    existing = Professional.objects.in_bulk(list(latest), field_name="identifiant_national")
    changed = []
    for key, record in latest.items():
        professional = existing.get(key)
        if professional is None:
            continue
        values = {
            "annee_naissance": record.annee_naissance
            if record.annee_naissance is not None
            else professional.annee_naissance,
            "actes_annuels": record.actes,
            "etp": record.etp,
            "activite_annee": record.annee,
        }
        if any(getattr(professional, k) != v for k, v in values.items()):
            for name, value in values.items():
                setattr(professional, name, value)
            changed.append(professional)
    plan = PlannedWrites("professionnels", updated=len(changed))
    plan.unchanged = len(existing) - len(changed)
    if changed:
        fields = ["annee_naissance", "actes_annuels", "etp", "activite_annee"]
        plan.statements.append(update_statement(Professional, changed, fields))
    missing = sorted(set(latest) - set(existing))
    if missing:
        report.warn(
            f"{len(missing)} identifiants absents du référentiel RPPS ignorés : {examples(missing)}"
        )
    with atomic_import(report):
        plan.apply(report)
        _record(SupplyImport.Kind.ACTIVITE, path, report)
    return report
