"""Study zonings (TVS, bassins de vie…): zones and the communes of each."""

from __future__ import annotations

from pathlib import Path

from maillage.engine.sources import zonages
from maillage.web.imports import (
    ImportReport,
    Progress,
    atomic_import,
    examples,
    tick,
)

from ..models import (
    Commune,
    Zonage,
    Zone,
    ZoneCommune,
)


def import_zoning(
    path: Path,
    *,
    type: str,
    millesime: int,
    code: str | None = None,
    libelle: str | None = None,
    source: str = "",
    fictif: bool = False,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """A study zoning from ``code_insee;code_zone;libelle_zone``: the whole membership of
    (code, millésime) is replaced — zones and memberships absent from the file are deleted."""
    if type not in Zonage.Type.values:
        raise ValueError(f"type de zonage inconnu : {type}")
    memberships = list(tick(progress, zonages.read_zoning(Path(path))))
    code = code or type
    libelle = libelle or f"{Zonage.Type(type).label.capitalize()} {millesime}"
    known = set(
        Commune.objects.filter(code__in=[m.commune for m in memberships]).values_list(
            "code", flat=True
        )
    )
    unknown = [f"{m.commune} (ligne {m.line})" for m in memberships if m.commune not in known]
    kept = [m for m in memberships if m.commune in known]
    report = ImportReport(f"Import du zonage « {libelle} » ({path})", dry_run)
    with atomic_import(report):
        write_zoning(
            {
                "code": code,
                "type": type,
                "millesime": millesime,
                "libelle": libelle,
                "source": source or str(Path(path).name),
                "fictif": fictif,
            },
            [(m.commune, m.zone, m.libelle) for m in kept],
            report,
        )
    if unknown:
        report.warn(
            f"{len(unknown)} communes absentes du référentiel ignorées : {examples(unknown)}"
        )
    return report


def write_zoning(
    definition: dict, memberships: list[tuple[str, str, str]], report: ImportReport
) -> Zonage:
    """Diff-based write of one zoning: ``memberships`` = (commune, zone code, zone name).
    Must run inside :func:`atomic_import`."""
    zonage = Zonage.objects.filter(
        code=definition["code"], millesime=definition["millesime"]
    ).first()
    fields = {k: v for k, v in definition.items() if k not in ("code", "millesime")}
    if zonage is None:
        zonage = Zonage.objects.create(
            code=definition["code"], millesime=definition["millesime"], **fields
        )
        report.add("zonages", created=1)
    elif any(getattr(zonage, k) != v for k, v in fields.items()):
        for k, v in fields.items():
            setattr(zonage, k, v)
        zonage.save()
        report.add("zonages", updated=1)
    else:
        report.add("zonages", unchanged=1)

    names = {zone: nom for _commune, zone, nom in memberships}
    existing = {z.code: z for z in Zone.objects.filter(zonage=zonage)}
    new_zones = [Zone(zonage=zonage, code=c, nom=n) for c, n in names.items() if c not in existing]
    renamed = [z for c, z in existing.items() if c in names and z.nom != names[c]]
    for z in renamed:
        z.nom = names[z.code]
    gone = [z.pk for c, z in existing.items() if c not in names]
    Zone.objects.bulk_create(new_zones)
    Zone.objects.bulk_update(renamed, ["nom"])
    zone_ids = dict(Zone.objects.filter(zonage=zonage).values_list("code", "pk"))

    current = dict(ZoneCommune.objects.filter(zonage=zonage).values_list("commune_id", "zone_id"))
    wanted = {commune: zone_ids[zone] for commune, zone, _nom in memberships}
    create = [
        ZoneCommune(zonage=zonage, zone_id=z, commune_id=c)
        for c, z in wanted.items()
        if c not in current
    ]
    moved = {c: z for c, z in wanted.items() if c in current and current[c] != z}
    removed = [c for c in current if c not in wanted]
    ZoneCommune.objects.filter(zonage=zonage, commune_id__in=removed + list(moved)).delete()
    ZoneCommune.objects.bulk_create(
        create + [ZoneCommune(zonage=zonage, zone_id=z, commune_id=c) for c, z in moved.items()],
        batch_size=2000,
    )
    Zone.objects.filter(pk__in=gone).delete()
    report.add(
        "zones",
        created=len(new_zones),
        updated=len(renamed),
        unchanged=len(existing) - len(renamed) - len(gone),
        deleted=len(gone),
    )
    report.add(
        "communes des zones",
        created=len(create),
        updated=len(moved),
        unchanged=len(wanted) - len(create) - len(moved),
        deleted=len(removed),
    )
    return zonage
