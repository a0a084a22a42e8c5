"""Professionals and activities of the diagnosis snapshot, read from the database in chunks.

National tables hold about a million professionals and 1.25 million activities. Read as lists
of row tuples, transposed, then indexed by a dictionary of ids, they were several hundred
megabytes of Python objects at once: the peak memory of every import, since an import
rebuilds the snapshot before it exits. Here the rows are read :data:`CHUNK` at a time into
numpy arrays; the values, and their order, are those of the whole lists.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import numpy as np
from django.db.models import QuerySet

CHUNK = 50_000


@dataclass(frozen=True)
class ProfessionalRows:
    ids: np.ndarray  # int64, in the order of the query
    category: np.ndarray  # int64, index in ``categories``
    birth_year: np.ndarray  # float64, NaN when unknown
    categories: list[str]  # sorted: the file's categories and the vocabulary's


@dataclass(frozen=True)
class ActivityRows:
    owner: np.ndarray  # int64, position of the professional in ``ProfessionalRows.ids``
    commune: np.ndarray  # int32, commune index (-1: none)
    liberal: np.ndarray  # bool, practised as a liberal (mode « L »)


def _chunks(rows: Iterable[tuple]) -> Iterator[list]:
    iterator = iter(rows)
    while chunk := list(itertools.islice(iterator, CHUNK)):
        yield list(zip(*chunk, strict=True))


def _floats(values) -> np.ndarray:
    return np.array([np.nan if v is None else v for v in values], dtype=np.float64)


def _joined(parts: list[np.ndarray], dtype) -> np.ndarray:
    return np.concatenate(parts) if parts else np.zeros(0, dtype=dtype)


def read_professionals(queryset: QuerySet, known_categories: Iterable[str]) -> ProfessionalRows:
    """``id``, ``categorie`` and ``annee_naissance`` of ``queryset``."""
    rows = queryset.values_list("id", "categorie", "annee_naissance").iterator(CHUNK)
    seen: dict[str, int] = {}  # category → number in order of first appearance
    ids, numbers, births = [], [], []
    for columns in _chunks(rows):
        ids.append(np.array(columns[0], dtype=np.int64))
        numbers.append(np.array([seen.setdefault(c, len(seen)) for c in columns[1]], np.int64))
        births.append(_floats(columns[2]))
    categories = sorted(set(seen) | set(known_categories))
    position = {category: i for i, category in enumerate(categories)}
    renumber = np.array([position[c] for c in seen], dtype=np.int64)
    return ProfessionalRows(
        _joined(ids, np.int64),
        renumber[_joined(numbers, np.int64)],
        _joined(births, np.float64),
        categories,
    )


def read_activities(
    queryset: QuerySet,
    professional_ids: np.ndarray,
    commune_index: Callable[[tuple], np.ndarray],
) -> ActivityRows:
    """``professional_id``, ``commune_id`` and ``mode_exercice`` of ``queryset``, in its
    order; a professional absent from ``professional_ids`` is a ``KeyError``."""
    order = np.argsort(professional_ids, kind="stable")
    sorted_ids = professional_ids[order]
    rows = queryset.values_list("professional_id", "commune_id", "mode_exercice").iterator(CHUNK)
    owners, communes, liberal = [], [], []
    for columns in _chunks(rows):
        ids = np.array(columns[0], dtype=np.int64)
        found = np.minimum(np.searchsorted(sorted_ids, ids), max(len(sorted_ids) - 1, 0))
        if not len(sorted_ids) or (sorted_ids[found] != ids).any():
            missing = ids if not len(sorted_ids) else ids[sorted_ids[found] != ids]
            raise KeyError(int(missing[0]))
        owners.append(order[found])
        communes.append(commune_index(columns[1]))
        liberal.append(np.array([mode == "L" for mode in columns[2]], dtype=bool))
    return ActivityRows(
        _joined(owners, np.int64), _joined(communes, np.int32), _joined(liberal, bool)
    )
