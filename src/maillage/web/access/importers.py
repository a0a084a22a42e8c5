"""Import of an official ARS zoning (per commune or per TVS) for one profession and arrêté."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from maillage.engine.accessibility import zoning as zoning_engine
from maillage.engine.rules.loader import NoValueAtDate
from maillage.engine.sources.errors import SourceError
from maillage.engine.vocabulary import zones_of
from maillage.web.imports import ImportReport, atomic_import, examples, plan_sync
from maillage.web.territories.models import Commune

from .models import OfficialZone
from .services import check_profession


def import_zoning(
    path: str | Path,
    profession: str,
    arrete_date: dt.date,
    reference: str = "",
    tvs_communes: str | Path | None = None,
    dry_run: bool = False,
    progress=None,
) -> ImportReport:
    """Parse the whole file (and the TVS mapping) first, then replace the zoning of this
    profession and arrêté in one transaction: same file twice → everything « inchangé »."""
    path = Path(path)
    try:
        profession = check_profession(profession)
        zones = zones_of(profession, arrete_date)
    except (ValueError, NoValueAtDate) as exc:
        raise SourceError(path, str(exc)) from exc
    rows = zoning_engine.read_zoning_file(path, zones)
    if progress:
        progress(len(rows))
    known = set(Commune.objects.values_list("code", flat=True))
    report = ImportReport(
        f"Zonage officiel {profession}, arrêté du {arrete_date:%d/%m/%Y}", dry_run=dry_run
    )
    prefix = f"{profession}:{arrete_date.isoformat()}:"
    values = {
        "profession": profession,
        "arrete_date": arrete_date,
        "arrete_reference": reference,
        "fichier": path.name,
    }
    records: dict[str, dict] = {}
    if tvs_communes is None:
        for code, zone, line in rows:
            if code not in known:
                raise SourceError(
                    path,
                    "commune absente du référentiel",
                    line=line,
                    column="code",
                    expected="un code INSEE de commune importée",
                    found=code,
                )
            records[prefix + code] = {
                **values,
                "commune_id": code,
                "zone": zone,
                "niveau": OfficialZone.Level.COMMUNE,
                "territoire": code,
            }
    else:
        mapping = zoning_engine.read_tvs_mapping(tvs_communes)
        by_tvs: dict[str, list[str]] = {}
        for commune, tvs in mapping.items():
            by_tvs.setdefault(tvs, []).append(commune)
        unknown_communes = sorted(set(mapping) - known)
        if unknown_communes:
            report.warn(
                f"{len(unknown_communes)} commune(s) de {Path(tvs_communes).name} absentes du "
                f"référentiel, ignorées : {examples(unknown_communes)}"
            )
        for code, zone, line in rows:
            if code not in by_tvs:
                raise SourceError(
                    path,
                    "TVS absent du fichier de correspondance",
                    line=line,
                    column="code",
                    expected=f"un TVS de {Path(tvs_communes).name}",
                    found=code,
                )
            for commune in by_tvs[code]:
                if commune in known:
                    records[prefix + commune] = {
                        **values,
                        "commune_id": commune,
                        "zone": zone,
                        "niveau": OfficialZone.Level.TVS,
                        "territoire": code,
                    }
        without = sorted(set(by_tvs) - {code for code, _, _ in rows})
        if without:
            report.warn(f"{len(without)} TVS sans zone dans le fichier : {examples(without)}")
    existing = OfficialZone.objects.filter(profession=profession, arrete_date=arrete_date)
    stale = sorted(set(existing.values_list("key", flat=True)) - set(records))
    plan = plan_sync(OfficialZone, records, label="zonage officiel")
    with atomic_import(report):
        for start in range(0, len(stale), 500):
            OfficialZone.objects.filter(key__in=stale[start : start + 500]).delete()
        plan.apply(report)
        report.add("zonage officiel", deleted=len(stale))
    return report
