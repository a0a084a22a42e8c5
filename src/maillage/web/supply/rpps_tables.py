"""The national RPPS file as two Arrow tables, built batch by batch: professionals and activities.

The file has ~1.1 M lines. Holding every prepared line, then deriving professionals and
activities from it as new tables, kept three copies of the data alive (1.2 GB for the
national file). Here the prepared columns of each record batch are kept once, and
professionals and activities are *selections* of their rows — positions, no copies:

* professionals: each batch notes, per professional, its most specific line (the first one
  on ties); once the file is read, the same rule over these candidates gives one line per
  professional — the line a whole-file reduction would pick;
* activities: each line gets two 64-bit hashes (the activity with its professional, to find
  repeated lines; the activity alone, for the fingerprints); once the file is read, a
  repeated line is left out, the first one in file order kept.

Nothing here touches the database: the commune lookups come from a resolver object.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from maillage.engine.sources import rpps
from maillage.engine.sources.archives import ArchiveLimits
from maillage.engine.sources.professions import load_profession_table

READ_FIELDS = [
    "type_identifiant",
    "identifiant_national",
    "nom",
    "prenom",
    "code_profession",
    "libelle_profession",
    "code_savoir_faire",
    "mode_exercice",
    "siret",
    "finess_site",
    "raison_sociale",
    "code_postal",
    "code_commune_structure",
    "secteur_activite",
]
#: Professional columns compared with the database, in the order of the SQL statements.
PROFESSIONAL_FIELDS = [
    "type_identifiant",
    "nom",
    "prenom",
    "code_profession",
    "libelle_profession",
    "categorie",
    "specialite",
]
#: Activity columns (besides the professional) that make an activity distinct.
ACTIVITY_FIELDS = [
    "commune_id",
    "code_commune",
    "code_postal",
    "origine_commune",
    "mode_exercice",
    "secteur_activite",
    "finess_site",
    "siret",
    "raison_sociale",
]
ACTIVITY_KEY = ["identifiant_national", *ACTIVITY_FIELDS]
_COLUMNS = [*ACTIVITY_KEY, *PROFESSIONAL_FIELDS]
#: Columns with a handful of distinct values, kept dictionary-encoded (4 bytes a line).
_FEW_VALUES = [
    "type_identifiant",
    "code_profession",
    "libelle_profession",
    "categorie",
    "specialite",
    "origine_commune",
    "mode_exercice",
    "secteur_activite",
]
#: Field lengths of the models: longer values are cut rather than failing on PostgreSQL.
LENGTHS = {
    "type_identifiant": 1,
    "nom": 100,
    "prenom": 100,
    "code_profession": 4,
    "libelle_profession": 100,
    "specialite": 10,
    "mode_exercice": 1,
    "secteur_activite": 10,
    "finess_site": 9,
    "siret": 14,
    "raison_sociale": 200,
    "code_postal": 5,
    "code_commune": 5,
}
_ORIGINS = pa.array(["", "commune", "code_postal"])


class Resolver(Protocol):
    """Commune lookups of the referential (see ``rpps_import.CommuneResolver``)."""

    ambiguous: set[str]

    def code(self, code_commune: str, code_postal: str) -> tuple[str, int]: ...

    def row(self, code: str) -> str: ...


@dataclass
class Selection:
    """Some rows of a chunked table, by position (increasing): a view, not a copy.

    ``take`` works chunk by chunk: pyarrow's ``take`` on a chunked table first concatenates
    every chunk, a copy of the whole column for each call.
    """

    table: pa.Table
    rows: np.ndarray

    def __post_init__(self) -> None:
        self._batches = self.table.to_batches()
        self._starts = np.cumsum([0] + [batch.num_rows for batch in self._batches])

    @property
    def num_rows(self) -> int:
        return len(self.rows)

    def column(self, name: str) -> pa.Array:
        """The selected values of one column (a copy of that column only)."""
        return self.take(np.arange(self.num_rows), [name])[name].combine_chunks()

    def take(self, positions: np.ndarray, names: list[str]) -> pa.Table:
        """Rows ``positions`` of the selection, in that order, columns ``names`` (plain
        strings)."""
        rows = self.rows[positions]
        if not len(rows):
            return pa.table({name: pa.array([], pa.string()) for name in names})
        chunk = np.searchsorted(self._starts, rows, side="right") - 1
        order = np.argsort(chunk, kind="stable")
        rows, chunk = rows[order], chunk[order]
        bounds = np.flatnonzero(np.r_[True, chunk[1:] != chunk[:-1], True])
        pieces = [
            self._batches[chunk[start]]
            .select(names)
            .take(pa.array(rows[start:end] - self._starts[chunk[start]]))
            for start, end in itertools.pairwise(bounds)
        ]
        taken = pa.Table.from_batches(pieces)
        inverse = np.empty_like(order)
        inverse[order] = np.arange(len(order))
        taken = taken.take(pa.array(inverse))  # back to the order asked (small: the request)
        return pa.table({name: _plain(taken[name]) for name in names})


def _plain(values: pa.ChunkedArray) -> pa.ChunkedArray:
    """Dictionary-encoded strings decoded."""
    return pc.cast(values, pa.string()) if pa.types.is_dictionary(values.type) else values


@dataclass
class RppsTables:
    """What the import needs from the file.

    ``activity_hashes`` holds, per activity, the 64-bit hash of its :data:`ACTIVITY_FIELDS`
    (the terms of the professionals' fingerprints).
    """

    professionals: Selection  # identifiant_national + PROFESSIONAL_FIELDS, one per person
    activities: Selection  # identifiant_national + ACTIVITY_FIELDS, distinct, file order
    activity_hashes: np.ndarray
    owner: np.ndarray  # per activity, the index of its professional in ``professionals``
    counts: dict[str, int]


def read_tables(
    path: Path,
    resolver: Resolver,
    progress: Callable[[int], None] | None = None,
    limits: ArchiveLimits | None = None,
) -> RppsTables:
    """Professionals and distinct activities of the file, plus line counts for the report."""
    classify = load_profession_table().classify
    ambiguous = pa.array(sorted(resolver.ambiguous), pa.string())
    builder = _Builder()
    counts = {"lignes": 0, "sans_commune": 0, "code_postal_ambigu": 0, "hors_referentiel": 0}
    for batch in rpps.iter_activity_batches(path, fields=READ_FIELDS, limits=limits):
        columns = dict(zip(batch.schema.names, batch.columns, strict=True))
        category, specificity = rpps.map_pairs(
            columns["code_profession"], columns["code_savoir_faire"], classify
        )
        code, origin = rpps.map_pairs(
            columns["code_commune_structure"], columns["code_postal"], resolver.code
        )
        row, _ = rpps.map_pairs(code, code, lambda c, _: (resolver.row(c), 0))
        no_commune = origin == 0
        counts["lignes"] += batch.num_rows
        counts["sans_commune"] += int(no_commune.sum())
        counts["code_postal_ambigu"] += int(
            (no_commune & pc.is_in(columns["code_postal"], ambiguous).to_numpy(False)).sum()
        )
        counts["hors_referentiel"] += int(
            ((origin > 0) & (pc.equal(row, "").to_numpy(False))).sum()
        )
        prepared = {
            **columns,
            "categorie": category,
            "specialite": columns["code_savoir_faire"],
            "commune_id": row,
            "code_commune": code,
            "origine_commune": _ORIGINS.take(pa.array(origin)),
        }
        for name, length in LENGTHS.items():
            prepared[name] = pc.utf8_slice_codeunits(prepared[name], 0, length)
        builder.add(prepared, specificity.astype(np.int8))
        if progress:
            progress(batch.num_rows)
        del prepared, columns, batch
        # The temporaries of a batch are freed, but Arrow's allocator keeps their pages:
        # give them back, or the reading of the file ends far above what it holds.
        pa.default_memory_pool().release_unused()
    return builder.finish(counts)


def row_hashes(table: pa.Table, names: list[str], step: int = 100_000) -> np.ndarray:
    """64-bit hash of each row's ``names`` columns, computed by slices to bound memory."""
    hashes = np.empty(table.num_rows, dtype=np.uint64)
    for start in range(0, table.num_rows, step):
        part = table.slice(start, step)
        joined = _joined(part, names).to_numpy(zero_copy_only=False)
        hashes[start : start + part.num_rows] = pd.util.hash_array(
            np.asarray(joined, dtype=object), categorize=False
        )
    return hashes


def _joined(table: pa.Table, names: list[str]):
    return pc.binary_join_element_wise(*[table[name] for name in names], "\x1f")


def first_of_each(codes: np.ndarray, specificity: np.ndarray) -> np.ndarray:
    """Positions, in increasing order, of the most specific row of each code (first on ties)."""
    rows = np.arange(len(codes))
    order = np.lexsort((rows, -specificity.astype(np.int64), codes))
    sorted_codes = codes[order]
    return np.sort(order[np.r_[True, sorted_codes[1:] != sorted_codes[:-1]]])


def _codes(values: pa.Array | pa.ChunkedArray) -> np.ndarray:
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    return pc.dictionary_encode(values).indices.to_numpy(zero_copy_only=False).astype(np.int64)


@dataclass
class _Builder:
    lines: list[pa.Table] = field(default_factory=list)
    candidates: list[np.ndarray] = field(default_factory=list)  # positions in the file
    specificities: list[np.ndarray] = field(default_factory=list)
    key_hashes: list[np.ndarray] = field(default_factory=list)
    activity_hashes: list[np.ndarray] = field(default_factory=list)
    offset: int = 0

    def add(self, prepared: dict[str, pa.Array], specificity: np.ndarray) -> None:
        lines = pa.table({name: prepared[name] for name in _COLUMNS})
        best = first_of_each(_codes(prepared["identifiant_national"]), specificity)
        self.candidates.append(best + self.offset)
        self.specificities.append(specificity[best])
        self.key_hashes.append(row_hashes(lines, ACTIVITY_KEY))
        self.activity_hashes.append(row_hashes(lines, ACTIVITY_FIELDS))
        for name in _FEW_VALUES:
            index = lines.schema.get_field_index(name)
            lines = lines.set_column(index, name, pc.dictionary_encode(lines[name]))
        self.lines.append(lines)
        self.offset += lines.num_rows

    def finish(self, counts: dict[str, int]) -> RppsTables:
        if not self.lines:
            lines = pa.table({name: pa.array([], pa.string()) for name in _COLUMNS})
            nothing = np.zeros(0, np.int64)
            empty = Selection(lines, nothing)
            return RppsTables(empty, empty, np.zeros(0, np.uint64), nothing, counts)
        lines = pa.concat_tables(self.lines)  # chunked: no copy
        self.lines = []
        # One code per professional for every line: the professionals' lines and the owner
        # of each activity follow without another lookup of the identifiers.
        codes = _codes(lines["identifiant_national"])
        professional_rows = self._professional_rows(codes)
        index_of_code = np.empty(int(codes.max()) + 1, dtype=np.int64)
        index_of_code[codes[professional_rows]] = np.arange(len(professional_rows))
        activity_rows = self._activity_rows(lines)
        owner = index_of_code[codes[activity_rows]]
        del codes, index_of_code
        hashes = np.concatenate(self.activity_hashes)[activity_rows]
        self.activity_hashes = []
        return RppsTables(
            Selection(lines, professional_rows),
            Selection(lines, activity_rows),
            hashes,
            owner,
            counts,
        )

    def _professional_rows(self, codes: np.ndarray) -> np.ndarray:
        """Line of each professional, among the candidates of every batch."""
        candidates = np.concatenate(self.candidates)
        best = first_of_each(codes[candidates], np.concatenate(self.specificities))
        self.candidates, self.specificities = [], []
        return candidates[best]

    def _activity_rows(self, lines: pa.Table) -> np.ndarray:
        """Lines of the distinct activities: the first of lines that differ only by
        savoir-faire.

        Sorting 64-bit row hashes finds the repeats in a few MB (a pyarrow hash table over
        ten string columns doubled the peak memory); equal hashes are checked on the text
        itself, so a hash collision keeps both activities.
        """
        hashes = np.concatenate(self.key_hashes)
        self.key_hashes = []
        order = np.argsort(hashes, kind="stable")
        sorted_hashes = hashes[order]
        del hashes
        duplicate = np.r_[False, sorted_hashes[1:] == sorted_hashes[:-1]]
        del sorted_hashes
        candidates = np.flatnonzero(duplicate)
        if len(candidates):
            everything = Selection(lines, np.arange(lines.num_rows))
            this = _joined(everything.take(order[candidates], ACTIVITY_KEY), ACTIVITY_KEY)
            previous = _joined(everything.take(order[candidates - 1], ACTIVITY_KEY), ACTIVITY_KEY)
            duplicate[candidates] = pc.equal(this, previous).to_numpy(zero_copy_only=False)
        return np.sort(order[~duplicate])


def fingerprints(tables: RppsTables) -> np.ndarray:
    """Order-independent fingerprint of each professional's activities: the sum (modulo
    2**64) of their hashes, stored as 16 hexadecimal digits."""
    sums = np.zeros(tables.professionals.num_rows, dtype=np.uint64)
    np.add.at(sums, tables.owner, tables.activity_hashes)
    return sums
