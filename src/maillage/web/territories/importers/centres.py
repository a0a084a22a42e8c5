"""Centres of the communes (points file), with those of PLM cities and merged communes derived."""

from __future__ import annotations

from pathlib import Path

from maillage.engine.sources import points, populations
from maillage.web.imports import (
    ImportReport,
    Progress,
    atomic_import,
    examples,
    plan_sync,
    tick,
)

from ..models import (
    Commune,
)


def import_points(
    path: Path, *, dry_run: bool = False, progress: Progress | None = None
) -> ImportReport:
    records = list(tick(progress, points.read_points(Path(path))))
    report = ImportReport(f"Import des centres des communes ({path})", dry_run)
    without = [r.code for r in records if r.lon is None]
    rows = {
        r.code: {"centre_lon": r.lon, "centre_lat": r.lat} for r in records if r.lon is not None
    }
    _add_plm_centres(rows)
    _add_merged_centres(rows)
    plan = plan_sync(Commune, rows, label="communes", create=False)
    with atomic_import(report):
        missing = plan.apply(report)
    if without:
        report.warn(f"{len(without)} lignes sans coordonnées ignorées : {examples(without)}")
    if missing:
        report.warn(f"{len(missing)} codes absents du référentiel ignorés : {examples(missing)}")
    return report


def _add_plm_centres(rows: dict[str, dict]) -> None:
    """Give Paris, Lyon and Marseille the population-weighted centre of their arrondissements.

    Files of points often list only the arrondissements (no 75056 / 69123 / 13055 row).
    """
    weights = dict(
        Commune.objects.filter(code__in=populations.PARENT_OF_ARRONDISSEMENT).values_list(
            "code", "population"
        )
    )
    for parent, arrondissements in populations.PLM_ARRONDISSEMENTS.items():
        if parent in rows:
            continue
        known = [(rows[a], weights.get(a) or 1) for a in arrondissements if a in rows]
        if not known:
            continue
        total = sum(w for _, w in known)
        rows[parent] = {
            "centre_lon": round(sum(r["centre_lon"] * w for r, w in known) / total, 6),
            "centre_lat": round(sum(r["centre_lat"] * w for r, w in known) / total, 6),
        }


def _add_merged_centres(rows: dict[str, dict]) -> None:
    """A commune created by a merger after the file's vintage gets the mean of the points of
    the communes it absorbed (they are in the file under their old codes)."""
    absorbed: dict[str, list[dict]] = {}
    for old, new in Commune.objects.filter(
        statut=Commune.Statut.FUSIONNEE, fusionnee_dans__isnull=False
    ).values_list("code", "fusionnee_dans"):
        if old in rows and new not in rows:
            absorbed.setdefault(new, []).append(rows[old])
    for new, parts in absorbed.items():
        rows[new] = {
            "centre_lon": round(sum(p["centre_lon"] for p in parts) / len(parts), 6),
            "centre_lat": round(sum(p["centre_lat"] for p in parts) / len(parts), 6),
        }
