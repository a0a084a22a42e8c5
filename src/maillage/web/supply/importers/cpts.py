"""CPTS import: structures and their perimeters (communes), conflicts between perimeters."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from maillage.engine.sources import structures
from maillage.engine.sources.errors import SourceError
from maillage.web.imports import (
    ImportReport,
    Progress,
    atomic_import,
    examples,
)

from ..models import (
    Structure,
    StructureCommune,
    SupplyImport,
)
from .common import _current_commune, _record
from .establishments import sync_structures

# --------------------------------------------------------------------------- CPTS


def cpts_conflicts(members: Mapping[str, list[str]]) -> list[tuple[str, list[str]]]:
    """Communes claimed by several CPTS, between ``members`` and the CPTS of the database.

    ``members`` maps a CPTS identifier to its communes; CPTS of the database with the same
    identifier are replaced by ``members`` and do not conflict with it.
    """
    owners: dict[str, list[str]] = {}
    for cpts_id, communes in members.items():
        for code in communes:
            owners.setdefault(code, []).append(cpts_id)
    stored = (
        StructureCommune.objects.filter(
            structure__kind=Structure.Kind.CPTS, commune_id__in=list(owners)
        )
        .exclude(structure__identifiant__in=list(members))
        .values_list("commune_id", "structure__identifiant")
    )
    for code, cpts_id in stored:
        owners[code].append(cpts_id)
    return sorted((code, ids) for code, ids in owners.items() if len(ids) > 1)


def import_cpts(
    path: Path,
    *,
    dry_run: bool = False,
    accept_overlaps: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """CPTS and their perimeters; a commune in two CPTS refuses the import unless accepted."""
    path = Path(path)
    parsed = structures.read_cpts(path)
    codes = {code for cpts in parsed.cpts.values() for code in cpts.communes}
    current = _current_commune(codes)
    unknown = sorted(codes - set(current))
    if unknown:
        raise SourceError(
            path,
            f"{len(unknown)} communes absentes du référentiel : {examples(unknown)}",
            column="code_insee",
            expected="des codes INSEE du référentiel (importez d'abord les communes)",
        )
    members = {
        cpts_id: list(dict.fromkeys(current[c] for c in cpts.communes))
        for cpts_id, cpts in parsed.cpts.items()
    }
    conflicts = cpts_conflicts(members)
    report = ImportReport(f"Import des CPTS ({path.name})", dry_run)
    if conflicts:
        described = "; ".join(f"{code} : {', '.join(ids)}" for code, ids in conflicts[:10])
        if not accept_overlaps:
            raise SourceError(
                path,
                f"{len(conflicts)} commune(s) rattachée(s) à plusieurs CPTS ({described}) ; "
                "corrigez le fichier ou relancez avec --accepter-chevauchements",
                column="code_insee",
            )
        report.warn(f"{len(conflicts)} chevauchements acceptés : {described}")
    rows = {
        (Structure.Kind.CPTS, cpts_id): {
            "nom": parsed.cpts[cpts_id].nom[:200],
            "commune_id": communes[0] if communes else None,
            "source": Structure.Source.IMPORT,
        }
        for cpts_id, communes in members.items()
    }
    with atomic_import(report):
        saved = sync_structures(rows, report, "CPTS")
        for cpts_id, communes in members.items():
            set_perimeter(saved[(Structure.Kind.CPTS, cpts_id)], communes, report)
        _record(SupplyImport.Kind.CPTS, path, report)
    return report


def set_perimeter(structure: Structure, communes: list[str], report: ImportReport) -> None:
    current = set(structure.perimetre.values_list("commune_id", flat=True))
    wanted = set(communes)
    removed = current - wanted
    if removed:
        structure.perimetre.filter(commune_id__in=removed).delete()
    StructureCommune.objects.bulk_create(
        [
            StructureCommune(structure=structure, commune_id=code)
            for code in sorted(wanted - current)
        ]
    )
    report.add(
        "communes des périmètres",
        created=len(wanted - current),
        unchanged=len(wanted & current),
        deleted=len(removed),
    )
