"""FINESS import: establishments, and the coordinated-care structures among them."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from maillage.engine.sources import finess
from maillage.engine.sources.errors import SourceError
from maillage.web.imports import (
    ImportReport,
    Progress,
    atomic_import,
    examples,
    plan_sync,
    tick,
)

from ..models import (
    Establishment,
    Structure,
    SupplyImport,
)
from .common import STRUCTURE_CLASSES, _current_commune, _record

# --------------------------------------------------------------------------- FINESS


def import_finess(
    path: Path, *, dry_run: bool = False, progress: Progress | None = None
) -> ImportReport:
    """Establishments of any FINESS layout; MSP and centres de santé become structures."""
    path = Path(path)
    parse = finess.FinessReport()
    records = list(tick(progress, finess.iter_establishments(path, report=parse)))
    if not records:
        raise SourceError(path, "aucun établissement dans le fichier", line=2, character=1)
    labels = finess.load_category_table().labels
    communes = _current_commune({r.code_insee for r in records if r.code_insee})
    rows = {}
    for r in records:
        rows[r.finess] = {
            "finess_ej": r.finess_ej,
            "nom": r.nom[:200],
            "nom_long": r.nom_long[:300],
            "categorie": r.categorie,
            "categorie_libelle": r.categorie_libelle[:200] or labels.get(r.classe, ""),
            "classe": r.classe,
            "commune_id": communes.get(r.code_insee),
            "code_insee": r.code_insee,
            "adresse": _address(r)[:300],
            "lon": None if r.lon is None else round(r.lon, 6),
            "lat": None if r.lat is None else round(r.lat, 6),
            "geocodage_commune": r.geocodage_commune,
            "siret": r.siret,
            "date_ouverture": r.date_ouverture,
            "date_maj": r.date_maj,
        }
    report = ImportReport(
        f"Import FINESS ({path.name}, disposition {parse.layout}, {parse.encoding})", dry_run
    )
    for warning in parse.warnings[:20]:
        report.warn(str(warning))
    if len(parse.warnings) > 20:
        report.warn(f"… et {len(parse.warnings) - 20} autres avertissements")
    outside = sorted({r.code_insee for r in records if r.code_insee not in communes})
    if outside:
        report.warn(
            f"{len(outside)} codes INSEE absents du référentiel (commune laissée vide) : "
            f"{examples(outside)}"
        )
    structure_rows = {
        (STRUCTURE_CLASSES[r.classe], r.finess): {
            "nom": r.nom[:200],
            "commune_id": communes.get(r.code_insee),
            "etablissement_id": r.finess,
            "source": Structure.Source.FINESS,
        }
        for r in records
        if r.classe in STRUCTURE_CLASSES
    }
    establishments = plan_sync(Establishment, rows, label="établissements")
    with atomic_import(report):
        establishments.apply(report)
        sync_structures(structure_rows, report, "structures (MSP, centres de santé)")
        _record(SupplyImport.Kind.FINESS, path, report)
    return report


def _address(r: finess.Establishment) -> str:
    street = " ".join(p for p in (r.numero_voie, r.type_voie, r.voie) if p)
    parts = [street, r.lieu_dit_bp, r.ligne_acheminement]
    return ", ".join(p for p in parts if p)


def sync_structures(
    rows: Mapping[tuple[str, str], Mapping[str, object]], report: ImportReport, label: str
) -> dict[tuple[str, str], Structure]:
    """``sync`` on the natural key (kind, identifiant); returns the structures by key."""
    existing = {
        (s.kind, s.identifiant): s
        for s in Structure.objects.filter(identifiant__in={key[1] for key in rows})
    }
    to_create, to_update, fields, unchanged = [], [], set(), 0
    for key, values in rows.items():
        structure = existing.get(key)
        if structure is None:
            to_create.append(Structure(kind=key[0], identifiant=key[1], **values))
            continue
        changed = [name for name, value in values.items() if getattr(structure, name) != value]
        if changed:
            for name in changed:
                setattr(structure, name, values[name])
            fields.update(changed)
            to_update.append(structure)
        else:
            unchanged += 1
    Structure.objects.bulk_create(to_create, batch_size=500)
    if to_update:
        Structure.objects.bulk_update(to_update, sorted(fields), batch_size=500)
    report.add(label, created=len(to_create), updated=len(to_update), unchanged=unchanged)
    return {
        (s.kind, s.identifiant): s
        for s in Structure.objects.filter(identifiant__in={key[1] for key in rows})
        if (s.kind, s.identifiant) in rows
    }
