"""Import of commune outlines and centres (``maillage import communes-geojson``).

The outlines of all départements (35 000 communes) are computed in a pool of processes
(:mod:`maillage.engine.sources.geojson_pool`), kept as compact GeoJSON text, then written in
one transaction by batches: each batch reads the stored values of its communes, compares
them with the new ones (floats to 1e-9, as :func:`maillage.web.imports.sync`), and updates
only the rows that change with one ``executemany`` per batch — the ORM's ``bulk_update``
builds a ``CASE`` expression per row and field, which took most of the import's time.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from django.db import connection

from maillage.engine.geometry import merge_outlines
from maillage.engine.sources.errors import SourceError
from maillage.engine.sources.geojson_pool import ShapeRecord, read_shape_records
from maillage.web.imports import ImportReport, Progress, _differs, atomic_import, examples

from .models import Commune

BATCH = 1000
OUTLINE_FIELDS = (
    "contour",
    "surface_km2",
    "bbox_min_lon",
    "bbox_min_lat",
    "bbox_max_lon",
    "bbox_max_lat",
)
CENTRE_FIELDS = ("centre_lon", "centre_lat")
STORED = (*OUTLINE_FIELDS, *CENTRE_FIELDS)


def import_geojson(
    paths: Sequence[Path],
    *,
    dry_run: bool = False,
    progress: Progress | None = None,
    workers: int | None = None,
) -> ImportReport:
    """Outlines (simplified for display, surface of the full shape) and centres of communes.

    A commune merged after the file's vintage gets the union of the communes it absorbed; an
    outline gives a centre only to a commune without one (files of points are better), and a
    Point feature gives the centre itself. Codes absent from the referential are counted in a
    warning. The last feature of a code wins.
    """
    outlines: dict[str, ShapeRecord] = {}
    centres_only: dict[str, tuple[float, float]] = {}
    for record in read_shape_records(paths, workers=workers, progress=progress):
        if record.contour_json is not None:
            outlines[record.code] = record
        elif record.centre is not None:
            centres_only[record.code] = record.centre
    if not outlines and not centres_only:
        # An empty collection would be an "import" that changed nothing: a wrong file.
        raise SourceError(
            paths[0],
            "aucune commune dans le fichier",
            column="features",
            expected="au moins une entité (Feature) de commune",
        )
    outlines |= _merged_outlines(outlines)
    label = ", ".join(str(p) for p in paths)
    report = ImportReport(f"Import des contours et centres ({label})", dry_run)
    with atomic_import(report):
        missing = _write(outlines, centres_only, report)
    if missing:
        report.warn(
            f"{len(missing)} codes absents du référentiel ignorés (communes fusionnées "
            f"depuis le millésime du fichier ?) : {examples(missing)}"
        )
    return report


def _merged_outlines(outlines: dict[str, ShapeRecord]) -> dict[str, ShapeRecord]:
    """Outlines of current communes born from mergers later than the file's vintage.

    An IGN file older than a merger holds the absorbed communes under their old codes (and
    the new commune, when it kept a code, with its old limits only): the new commune gets the
    union of all of them.
    """
    absorbed: dict[str, list[str]] = {}
    for old, new in Commune.objects.filter(
        statut=Commune.Statut.FUSIONNEE, fusionnee_dans__isnull=False
    ).values_list("code", "fusionnee_dans"):
        if old in outlines:
            absorbed.setdefault(new, []).append(old)
    merged = {}
    for new, olds in absorbed.items():
        parts = [outlines[code].outline() for code in [new, *sorted(olds)] if code in outlines]
        outline = merge_outlines(parts)
        merged[new] = ShapeRecord(
            0,
            new,
            None,
            json.dumps(outline.geometry),
            outline.surface_km2,
            outline.centroid,
            outline.bbox,
            None,
        )
    return merged


def _new_values(
    code: str,
    outline: ShapeRecord | None,
    centre: tuple[float, float] | None,
    stored_centre_lon: float | None,
) -> dict[str, object]:
    values: dict[str, object] = {}
    if outline is not None:
        values["contour"] = outline.contour_json  # compared and written decoded, see below
        values["surface_km2"] = round(outline.surface_km2, 4)
        values.update(zip(OUTLINE_FIELDS[2:], outline.bbox, strict=True))
        if centre is None and stored_centre_lon is None:
            values["centre_lon"] = round(outline.centroid[0], 6)
            values["centre_lat"] = round(outline.centroid[1], 6)
    if centre is not None:
        values["centre_lon"], values["centre_lat"] = centre
    return values


def _write(
    outlines: dict[str, ShapeRecord],
    centres_only: dict[str, tuple[float, float]],
    report: ImportReport,
) -> list[str]:
    """Update the communes by batches; return the codes absent from the referential."""
    codes = list(outlines) + [code for code in centres_only if code not in outlines]
    contour_field = Commune._meta.get_field("contour")
    missing: list[str] = []
    updated = unchanged = 0
    for batch in _batches(codes, BATCH):
        stored = _stored(batch)
        groups: dict[tuple[str, ...], list[list[object]]] = {}
        for code in batch:
            current = stored.get(code)
            if current is None:
                missing.append(code)
                continue
            new = _new_values(
                code, outlines.get(code), centres_only.get(code), current["centre_lon"]
            )
            changed: dict[str, object] = {}
            for name, value in new.items():
                old = current[name]
                if name == "contour":
                    if old != value and (old is None or json.loads(old) != json.loads(value)):
                        changed[name] = contour_field.get_db_prep_save(
                            json.loads(value), connection
                        )
                elif _differs(old, value):
                    changed[name] = value
            if changed:
                groups.setdefault(tuple(changed), []).append([*changed.values(), code])
                updated += 1
            else:
                unchanged += 1
        for names, rows in groups.items():
            assignments = ", ".join(f"{name} = %s" for name in names)
            with connection.cursor() as cursor:
                cursor.executemany(
                    f"UPDATE {Commune._meta.db_table} SET {assignments} "  # noqa: S608
                    "WHERE code = %s",
                    rows,
                )
    report.add("communes", updated=updated, unchanged=unchanged)
    return missing


def _stored(codes: list[str]) -> dict[str, dict[str, object]]:
    """Stored values of ``codes``; the contour as its database text (``None`` when empty)."""
    placeholders = ", ".join(["%s"] * len(codes))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT code, {', '.join(STORED)} FROM {Commune._meta.db_table} "  # noqa: S608
            f"WHERE code IN ({placeholders})",
            codes,
        )
        return {row[0]: dict(zip(STORED, row[1:], strict=True)) for row in cursor.fetchall()}


def _batches(items: Iterable[str], size: int) -> Iterator[list[str]]:
    batch: list[str] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
