"""Commune shapes of many GeoJSON files, computed in a pool of processes.

Simplifying 35 000 outlines and computing their geodesic surfaces is CPU work that one
process does in tens of seconds; the files are independent, so they go to a pool of worker
processes (``spawn``: a worker imports the geometry libraries only, not the caller's
Django). A worker reads its file itself, one feature at a time, and sends back compact
:class:`ShapeRecord` values — the display outline as GeoJSON text, which is what gets stored
— so the caller never holds full-resolution coordinates. A file larger than
:data:`SHARD_BYTES` is shared between the workers: each reads it all and computes one feature
in ``n``.

Records come back in the order of the files and of the features, and the first error (in
that order) is raised, exactly as a sequential read would.
"""

from __future__ import annotations

import json
import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from ..geometry import Outline
from .errors import SourceError
from .geojson import commune_shape, iter_features

#: Below this many bytes of input, starting workers costs more than it saves.
POOL_MIN_BYTES = 8 << 20
#: A file larger than this is split between the workers.
SHARD_BYTES = 16 << 20
MAX_WORKERS = 4


@dataclass(frozen=True, slots=True)
class ShapeRecord:
    """One feature: the commune's outline (``contour_json``, display GeoJSON text, with the
    surface, centroid and bounding box of the full shape) or its centre."""

    feature: int  # 1-based position of the feature in its file
    code: str
    nom: str | None
    contour_json: str | None
    surface_km2: float | None
    centroid: tuple[float, float] | None
    bbox: tuple[float, float, float, float] | None
    centre: tuple[float, float] | None

    def outline(self) -> Outline | None:
        """The :class:`Outline` (display geometry decoded), ``None`` for a centre."""
        if self.contour_json is None:
            return None
        return Outline(json.loads(self.contour_json), self.surface_km2, self.centroid, self.bbox)


def default_workers() -> int:
    """Processes available to this one (CPU affinity), at most :data:`MAX_WORKERS`."""
    try:
        available = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        available = os.cpu_count() or 1
    return max(1, min(MAX_WORKERS, available))


def read_shape_records(
    paths: Sequence[str | Path],
    *,
    workers: int | None = None,
    pool_min_bytes: int | None = None,
    shard_bytes: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> Iterator[ShapeRecord]:
    """Shape records of every feature of ``paths``, in file then feature order.

    Parameters
    ----------
    paths : sequence of str or Path
        GeoJSON files (FeatureCollection or Feature).
    workers : int, optional
        Worker processes (default :func:`default_workers`); 1 reads in this process.
    pool_min_bytes : int, optional
        Inputs smaller than this (in all) are read in this process (default
        :data:`POOL_MIN_BYTES`).
    shard_bytes : int, optional
        Files larger than this are split between the workers (default :data:`SHARD_BYTES`).
    progress : callable, optional
        Called with the number of features done, file by file.

    Raises
    ------
    SourceError
        The first defect in file and feature order (see :mod:`.geojson`).
    """
    paths = [Path(path) for path in paths]
    for path in paths:
        if not path.is_file():
            raise SourceError(path, "fichier introuvable")
    workers = default_workers() if workers is None else max(1, workers)
    pool_min_bytes = POOL_MIN_BYTES if pool_min_bytes is None else pool_min_bytes
    shard_bytes = SHARD_BYTES if shard_bytes is None else shard_bytes
    sizes = [path.stat().st_size for path in paths]
    if workers == 1 or sum(sizes) < pool_min_bytes:
        for path in paths:
            outcome = read_part(path, 0, 1)
            yield from _records(outcome, progress)
        return
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        pending: list[list[Future]] = [
            [
                pool.submit(read_part, path, shard, shards)
                for shards in [workers if size > shard_bytes else 1]
                for shard in range(shards)
            ]
            for path, size in zip(paths, sizes, strict=True)
        ]
        try:
            for futures in pending:
                outcomes = [future.result() for future in futures]
                yield from _records(_merge(outcomes), progress)
        finally:
            for futures in pending:
                for future in futures:
                    future.cancel()


#: What a worker sends back: the records it computed, and the first error it met with the
#: number of the feature being read (``None`` when the file was read to its end).
Outcome = tuple[list[ShapeRecord], tuple[int, SourceError] | None]


def read_part(path: Path, shard: int, shards: int) -> Outcome:
    """Records of the features ``shard``, ``shard + shards``, … of ``path`` (worker task)."""
    records: list[ShapeRecord] = []
    last = 0  # number of the last feature read
    try:
        for feature in iter_features(path):
            last = feature.number
            if (last - 1) % shards != shard:
                continue
            try:
                shape = commune_shape(path, feature)
            except SourceError as error:
                return records, (last, error)
            outline = shape.outline
            records.append(
                ShapeRecord(
                    shape.feature,
                    shape.code,
                    shape.nom,
                    None if outline is None else json.dumps(outline.geometry),
                    None if outline is None else outline.surface_km2,
                    None if outline is None else outline.centroid,
                    None if outline is None else outline.bbox,
                    shape.centre,
                )
            )
    except SourceError as error:  # the file itself: invalid JSON, not GeoJSON
        return records, (last + 1, error)
    return records, None


def _merge(outcomes: list[Outcome]) -> Outcome:
    """One outcome from the shards of a file: records in feature order, the first error."""
    if len(outcomes) == 1:
        return outcomes[0]
    records = sorted((r for part, _ in outcomes for r in part), key=lambda r: r.feature)
    errors = [error for _, error in outcomes if error is not None]
    first = min(errors, key=lambda item: item[0]) if errors else None
    if first is not None:
        records = [r for r in records if r.feature < first[0]]
    return records, first


def _records(outcome: Outcome, progress: Callable[[int], None] | None) -> Iterator[ShapeRecord]:
    records, error = outcome
    yield from records
    if progress and records:
        progress(len(records))
    if error is not None:
        raise error[1]
