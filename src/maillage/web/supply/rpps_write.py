"""Writing the RPPS tables to the database: a diff by chunks, then ``executemany`` by chunks.

The stored professionals are read 50 000 rows at a time and compared with the file's on
the way (a chunk is the only moment they exist as Python objects); rows to insert or update
are taken from the file's tables and converted 20 000 at a time. No step holds the whole
database or the whole file as Python objects.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from django.db import connection

from maillage.web.imports import ImportReport

from .models import Activity, Professional, SupplyImport
from .rpps_tables import ACTIVITY_FIELDS, PROFESSIONAL_FIELDS, RppsTables, Selection

CHUNK = 20_000
FETCH = 50_000
SQLITE_CACHE_KIB = 65_536


def fetch_chunks(
    sql: str,
    params: list,
    types: dict[str, pa.DataType],
    convert: dict[str, Callable[[object], object]] | None = None,
    size: int = FETCH,
) -> Iterator[pa.Table]:
    """Rows of ``sql`` as Arrow tables of ``size`` rows.

    ``convert`` maps a column to a function applied to its values on the way.
    """
    names = list(types)
    convert = convert or {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(size):
            columns = dict(zip(names, zip(*rows, strict=True), strict=True))
            del rows
            yield pa.table(
                {
                    name: pa.array(
                        [convert[name](v) for v in values] if name in convert else values,
                        types[name],
                    )
                    for name, values in columns.items()
                }
            )


def parse_print(text: str | None) -> int | None:
    """A stored fingerprint as a number, ``None`` unless it is exactly what we would store."""
    if text is None or len(text) != 16 or text != text.lower():
        return None
    try:
        return int(text, 16)
    except ValueError:
        return None


@dataclass
class ProfessionalDiff:
    """The file's professionals against the stored ones (arrays in the file's order)."""

    matched: np.ndarray  # stored already
    ids: np.ndarray  # database id of the matched ones (0 otherwise)
    differs: np.ndarray  # a field differs, or the stored one is inactive
    prints_changed: np.ndarray  # the activity fingerprint differs
    absent_ids: np.ndarray  # active stored professionals absent from the file


def diff_professionals(
    professionals: Selection, keys: pa.Array, prints: np.ndarray
) -> ProfessionalDiff:
    """Compare the file's professionals with the database, 50 000 stored rows at a time."""
    types = {
        "id": pa.int64(),
        "identifiant_national": pa.string(),
        **dict.fromkeys(PROFESSIONAL_FIELDS, pa.string()),
        "empreinte_activites": pa.uint64(),
        "actif": pa.bool_(),
    }
    count = len(keys)
    diff = ProfessionalDiff(
        np.zeros(count, bool),
        np.zeros(count, np.int64),
        np.zeros(count, bool),
        np.zeros(count, bool),
        np.zeros(0, np.int64),
    )
    absent = []
    sql = f"SELECT {', '.join(types)} FROM {Professional._meta.db_table}"  # noqa: S608
    for stored in fetch_chunks(sql, [], types, {"empreinte_activites": parse_print}):
        # The small side is the hash table: the chunk, probed by every key of the file.
        position = pc.index_in(keys, value_set=stored["identifiant_national"])
        rows = np.flatnonzero(pc.is_valid(position).to_numpy(zero_copy_only=False))
        at = position.fill_null(0).to_numpy(zero_copy_only=False)[rows]
        old = stored.take(pa.array(at))
        new = professionals.take(rows, PROFESSIONAL_FIELDS)
        differs = ~old["actif"].to_numpy()
        for name in PROFESSIONAL_FIELDS:
            differs |= ~pc.equal(old[name], new[name]).fill_null(False).to_numpy()
        same = pc.equal(old["empreinte_activites"], pa.array(prints[rows], pa.uint64()))
        diff.matched[rows] = True
        diff.ids[rows] = old["id"].to_numpy()
        diff.differs[rows] = differs
        diff.prints_changed[rows] = ~same.fill_null(False).to_numpy()
        found = np.zeros(stored.num_rows, bool)
        found[at] = True
        absent.append(stored["id"].to_numpy()[~found & stored["actif"].to_numpy()])
    if absent:
        diff.absent_ids = np.concatenate(absent)
    return diff


def executemany(sql: str, rows: Iterator[tuple], chunk: int = CHUNK) -> None:
    with connection.cursor() as cursor:
        batch = []
        for row in rows:
            batch.append(row)
            if len(batch) >= chunk:
                cursor.executemany(sql, batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)


def rows_of(
    selection: Selection,
    positions: np.ndarray,
    names: list[str],
    extra: Callable[[int], tuple] | None = None,
) -> Iterator[tuple]:
    """Rows ``positions`` of ``selection`` as tuples, taken and converted chunk by chunk.

    ``extra(i)`` appends values for the ``i``-th row of ``positions``.
    """
    for start in range(0, len(positions), CHUNK):
        part = selection.take(positions[start : start + CHUNK], names)
        columns = [part[name].to_pylist() for name in names]
        for offset, row in enumerate(zip(*columns, strict=True)):
            yield row + extra(start + offset) if extra else row


def write(
    supply_import: SupplyImport,
    tables: RppsTables,
    prints: np.ndarray,
    report: ImportReport,
) -> None:
    """Professionals (created, updated, deactivated) then the activities that changed."""
    table = Professional._meta.db_table
    professionals = tables.professionals
    keys = professionals.column("identifiant_national")
    diff = diff_professionals(professionals, keys, prints)
    new_rows = np.flatnonzero(~diff.matched)
    old_rows = np.flatnonzero(diff.matched)
    updated = old_rows[(diff.differs | diff.prints_changed)[old_rows]]
    if len(new_rows):
        # Inserting in key order keeps the unique index of identifiers append-only.
        new_rows = new_rows[pc.sort_indices(keys.take(pa.array(new_rows))).to_numpy()]
    del keys

    def hexadecimal(row: int) -> str:
        return f"{int(prints[row]):016x}"

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            # Random index inserts thrash SQLite's default 2 MB page cache.
            cursor.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
        if len(diff.absent_ids):
            executemany(
                f"UPDATE {table} SET actif = %s WHERE id = %s",  # noqa: S608
                ((False, int(i)) for i in diff.absent_ids),
            )
        if len(updated):
            sets = ", ".join(f"{name} = %s" for name in PROFESSIONAL_FIELDS)
            executemany(
                f"UPDATE {table} SET {sets}, empreinte_activites = %s, actif = %s "  # noqa: S608
                "WHERE id = %s",
                rows_of(
                    professionals,
                    updated,
                    PROFESSIONAL_FIELDS,
                    lambda i: (hexadecimal(updated[i]), True, int(diff.ids[updated[i]])),
                ),
            )
        cursor.execute(
            f"UPDATE {table} SET dernier_import_id = %s WHERE actif = %s",  # noqa: S608
            [supply_import.pk, True],
        )
        if len(new_rows):
            names = ["identifiant_national", *PROFESSIONAL_FIELDS]
            columns = [*names, "empreinte_activites", "actif"]
            columns += ["premier_import_id", "dernier_import_id"]
            pk = supply_import.pk
            executemany(
                f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608
                f"VALUES ({', '.join(['%s'] * len(columns))})",
                rows_of(
                    professionals,
                    new_rows,
                    names,
                    lambda i: (hexadecimal(new_rows[i]), True, pk, pk),
                ),
            )

    # Database id of every professional of the file.
    db_ids = diff.ids
    if len(new_rows):
        # Identifiers grow with insertion order (SQLite rowid, PostgreSQL sequence) and the
        # new professionals were inserted in the order of new_rows.
        created = [
            chunk["id"].to_numpy()
            for chunk in fetch_chunks(
                f"SELECT id FROM {table} WHERE premier_import_id = %s ORDER BY id",  # noqa: S608
                [supply_import.pk],
                {"id": pa.int64()},
            )
        ]
        db_ids[new_rows] = np.concatenate(created)

    deleted, written = _write_activities(tables, db_ids, new_rows, old_rows, diff)
    report.add(
        "professionnels",
        created=len(new_rows),
        updated=len(updated),
        unchanged=len(old_rows) - len(updated),
    )
    if len(diff.absent_ids):
        report.add("professionnels absents du fichier (désactivés)", updated=len(diff.absent_ids))
    unchanged = tables.activities.num_rows - written
    report.add("activités", created=written, unchanged=unchanged, deleted=deleted)


def _write_activities(tables, db_ids, new_rows, old_rows, diff) -> tuple[int, int]:
    """Activities of new professionals and of those whose fingerprint changed, rewritten.

    Returns the numbers of stored activities deleted and of activities written.
    """
    rewrite = np.zeros(tables.professionals.num_rows, dtype=bool)
    rewrite[new_rows] = True
    stale_rows = old_rows[diff.prints_changed[old_rows]]
    rewrite[stale_rows] = True
    activity_table = Activity._meta.db_table
    deleted = 0
    stale = diff.ids[stale_rows]
    with connection.cursor() as cursor:
        for start in range(0, len(stale), 500):
            chunk = [int(i) for i in stale[start : start + 500]]
            cursor.execute(
                f"DELETE FROM {activity_table} WHERE professional_id IN "  # noqa: S608
                f"({', '.join(['%s'] * len(chunk))})",
                chunk,
            )
            deleted += cursor.rowcount
    kept = np.flatnonzero(rewrite[tables.owner])
    written_owner = db_ids[tables.owner[kept]]
    order = np.argsort(written_owner, kind="stable")  # append-only professional_id index
    kept, written_owner = kept[order], written_owner[order]
    del order
    columns = ["professional_id", *ACTIVITY_FIELDS]
    executemany(
        f"INSERT INTO {activity_table} ({', '.join(columns)}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(columns))})",
        (
            # An activity without a commune of the referential has a NULL commune_id.
            (int(written_owner[i]), row[0] or None, *row[1:])
            for i, row in enumerate(rows_of(tables.activities, kept, ACTIVITY_FIELDS))
        ),
    )
    return deleted, len(kept)
