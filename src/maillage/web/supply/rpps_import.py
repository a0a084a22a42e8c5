"""National-scale RPPS import: pyarrow in memory, raw ``executemany`` to the database.

The national ``Personne_activite`` file has ~1.1 M lines. Building one Django model instance
per line (``sync``) would take minutes, so this module keeps the whole file as pyarrow
columns (a few hundred MB), derives professionals and deduplicated activities with
vectorised operations, diffs them against the database in bulk and writes only what changed
with ``executemany``. It keeps the semantics of :func:`maillage.web.imports.sync`: atomic,
created / updated / unchanged counts, ``--dry-run`` rolls back.

Activities have no stable identifier in the file, so each professional carries a fingerprint
of their activity set (sum of 64-bit hashes, order independent): a professional whose
fingerprint is unchanged keeps their activity rows, the others get them rewritten.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from django.db import connection

from maillage.engine.sources import rpps
from maillage.engine.sources.professions import load_profession_table
from maillage.web.imports import ImportReport, Progress, atomic_import
from maillage.web.territories.models import Commune

from .models import Activity, Professional, SupplyImport

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
#: Field lengths of the models: longer values are cut rather than failing on PostgreSQL.
_LENGTHS = {
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
_ORIGINS = {0: "", 1: "commune", 2: "code_postal"}
CHUNK = 20_000
SQLITE_CACHE_KIB = 65_536


# --------------------------------------------------------------------------- communes


class CommuneResolver:
    """Maps the file's commune code (or postcode) to a commune row of the referential.

    * A code present in the referential is kept as is — Paris, Lyon and Marseille
      arrondissements (751xx, 6938x, 132xx) are rows of the referential linked to their
      commune by ``commune_parente``, so professionals stay in their arrondissement and the
      commune offer adds the arrondissements up.
    * A merged (old) commune code goes to the commune that absorbed it.
    * An arrondissement code whose arrondissement row is absent goes to its parent commune.
    * An empty commune code falls back on the postcode only when the postcode designates a
      single current commune (or arrondissement) of the referential; otherwise the activity
      stays without commune and is counted.
    """

    def __init__(self) -> None:
        rows = Commune.objects.values_list(
            "code", "nature", "statut", "fusionnee_dans_id", "codes_postaux"
        )
        self.current: set[str] = set()
        self.merged: dict[str, str] = {}
        parents = set(
            Commune.objects.filter(nature=Commune.Nature.ARRONDISSEMENT)
            .exclude(commune_parente=None)
            .values_list("commune_parente_id", flat=True)
        )
        by_postcode: dict[str, set[str]] = {}
        for code, _nature, statut, merged_into, postcodes in rows:
            if statut == Commune.Statut.ACTUELLE:
                self.current.add(code)
                if code in parents:
                    continue  # its arrondissements carry the postcodes
                for postcode in postcodes or ():
                    by_postcode.setdefault(str(postcode), set()).add(code)
            elif merged_into:
                self.merged[code] = merged_into
        self.postcodes = {cp: next(iter(c)) for cp, c in by_postcode.items() if len(c) == 1}
        self.ambiguous = {cp for cp, c in by_postcode.items() if len(c) > 1}

    def code(self, code_commune: str, code_postal: str) -> tuple[str, int]:
        """Commune code read (or deduced from the postcode) and its origin (0, 1, 2)."""
        if code_commune:
            return code_commune, 1
        found = self.postcodes.get(code_postal, "") if code_postal else ""
        return found, 2 if found else 0

    def row(self, code: str) -> str:
        """Code of the referential row for ``code`` ("" when none)."""
        if not code:
            return ""
        if code in self.current:
            return code
        if code in self.merged and self.merged[code] in self.current:
            return self.merged[code]
        parent = rpps.plm_parent(code)
        if parent != code and parent in self.current:
            return parent
        return ""


# --------------------------------------------------------------------------- reading


def read_rpps(
    path: Path, resolver: CommuneResolver, progress: Progress | None = None
) -> tuple[pa.Table, dict[str, int]]:
    """Whole file as one table of prepared columns, plus line counts for the report."""
    table = load_profession_table()
    parts: list[pa.Table] = []
    counts = {"lignes": 0, "sans_commune": 0, "code_postal_ambigu": 0, "hors_referentiel": 0}
    ambiguous = pa.array(sorted(resolver.ambiguous), pa.string())
    for batch in rpps.iter_activity_batches(path, fields=READ_FIELDS):
        columns = dict(zip(batch.schema.names, batch.columns, strict=True))
        category, specificity = rpps.map_pairs(
            columns["code_profession"], columns["code_savoir_faire"], table.classify
        )
        code, origin = rpps.map_pairs(
            columns["code_commune_structure"], columns["code_postal"], resolver.code
        )
        row, _ = rpps.map_pairs(code, code, lambda c, _: (resolver.row(c), 0))
        origin_text = pa.array([_ORIGINS[o] for o in range(3)]).take(pa.array(origin))
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
            "identifiant_national": columns["identifiant_national"],
            "type_identifiant": columns["type_identifiant"],
            "nom": columns["nom"],
            "prenom": columns["prenom"],
            "code_profession": columns["code_profession"],
            "libelle_profession": columns["libelle_profession"],
            "categorie": category,
            "specificite": pa.array(specificity.astype(np.int8)),
            "specialite": columns["code_savoir_faire"],
            "commune_id": row,
            "code_commune": code,
            "code_postal": columns["code_postal"],
            "origine_commune": origin_text,
            "mode_exercice": columns["mode_exercice"],
            "secteur_activite": columns["secteur_activite"],
            "finess_site": columns["finess_site"],
            "siret": columns["siret"],
            "raison_sociale": columns["raison_sociale"],
        }
        for name, length in _LENGTHS.items():
            prepared[name] = pc.utf8_slice_codeunits(prepared[name], 0, length)
        parts.append(pa.table(prepared))
        if progress:
            progress(batch.num_rows)
    if not parts:
        return _empty_table(), counts
    return pa.concat_tables(parts), counts  # chunked: no second copy of the whole file


def _empty_table() -> pa.Table:
    names = [
        "identifiant_national",
        *PROFESSIONAL_FIELDS,
        "specificite",
        *ACTIVITY_FIELDS,
    ]
    return pa.table(
        {n: pa.array([], pa.int8() if n == "specificite" else pa.string()) for n in names}
    )


def professionals_of(lines: pa.Table) -> pa.Table:
    """One row per professional: the most specific line, the first one on ties."""
    if lines.num_rows == 0:
        return lines.select(["identifiant_national", *PROFESSIONAL_FIELDS])
    ids = pc.dictionary_encode(lines["identifiant_national"].combine_chunks())
    id_codes = ids.indices.to_numpy(zero_copy_only=False)
    specificity = lines["specificite"].to_numpy().astype(np.int64)
    rows = np.arange(len(id_codes))
    order = np.lexsort((rows, -specificity, id_codes))
    sorted_ids = id_codes[order]
    first = order[np.r_[True, sorted_ids[1:] != sorted_ids[:-1]]]
    return lines.select(["identifiant_national", *PROFESSIONAL_FIELDS]).take(pa.array(first))


def activities_of(lines: pa.Table) -> pa.Table:
    """Distinct activities (the savoir-faire lines of one activity collapse into one).

    A hash table over ten string columns (pyarrow ``group_by``) doubles the peak memory on
    the national file; sorting 64-bit row hashes does the same job in a few MB. Equal hashes
    are checked on the text itself, so a hash collision keeps both activities.
    """
    keys = ["identifiant_national", *ACTIVITY_FIELDS]
    table = lines.select(keys)
    if table.num_rows == 0:
        return table
    hashes = _row_hashes(table, keys)
    order = np.argsort(hashes, kind="stable")
    sorted_hashes = hashes[order]
    duplicate = np.r_[False, sorted_hashes[1:] == sorted_hashes[:-1]]
    candidates = np.flatnonzero(duplicate)
    if len(candidates):
        this = _joined(table.take(pa.array(order[candidates])), keys)
        previous = _joined(table.take(pa.array(order[candidates - 1])), keys)
        duplicate[candidates] = pc.equal(this, previous).to_numpy(zero_copy_only=False)
    return table.take(pa.array(np.sort(order[~duplicate])))


def _joined(table: pa.Table, names: list[str]) -> pa.ChunkedArray:
    return pc.binary_join_element_wise(*[table[name] for name in names], "\x1f")


def _row_hashes(table: pa.Table, names: list[str], step: int = 100_000) -> np.ndarray:
    """64-bit hash of each row's ``names`` columns, computed by slices to bound memory."""
    hashes = np.empty(table.num_rows, dtype=np.uint64)
    for start in range(0, table.num_rows, step):
        part = table.slice(start, step)
        joined = _joined(part, names).to_numpy(zero_copy_only=False)
        hashes[start : start + part.num_rows] = pd.util.hash_array(
            np.asarray(joined, dtype=object), categorize=False
        )
    return hashes


def fingerprints(professionals: pa.Table, activities: pa.Table) -> tuple[np.ndarray, np.ndarray]:
    """Order-independent fingerprint of each professional's activities (hex strings).

    Also returns, for every activity, the index of its professional in ``professionals``.
    """
    owner = pc.index_in(
        activities["identifiant_national"], value_set=professionals["identifiant_national"]
    ).to_numpy(zero_copy_only=False)
    hashes = _row_hashes(activities, ACTIVITY_FIELDS)
    sums = np.zeros(professionals.num_rows, dtype=np.uint64)
    np.add.at(sums, owner, hashes)
    return np.array([f"{value:016x}" for value in sums.tolist()], dtype=object), owner


# --------------------------------------------------------------------------- writing


def _existing_professionals() -> pa.Table:
    """Professionals of the database as arrow columns, converted chunk by chunk."""
    columns = ["id", "identifiant_national", *PROFESSIONAL_FIELDS, "empreinte_activites", "actif"]
    types = {"id": pa.int64(), "actif": pa.bool_()}
    sql = f"SELECT {', '.join(columns)} FROM {Professional._meta.db_table}"  # noqa: S608
    parts = []
    with connection.cursor() as cursor:
        cursor.execute(sql)
        while True:
            rows = cursor.fetchmany(50_000)
            if not rows:
                break
            parts.append(
                pa.table(
                    {
                        name: pa.array(list(values), types.get(name, pa.string()))
                        for name, values in zip(columns, zip(*rows, strict=True), strict=True)
                    }
                )
            )
    if not parts:
        return pa.table({n: pa.array([], types.get(n, pa.string())) for n in columns})
    return pa.concat_tables(parts).combine_chunks()


def _executemany(sql: str, rows, chunk: int = CHUNK) -> None:
    with connection.cursor() as cursor:
        batch = []
        for row in rows:
            batch.append(row)
            if len(batch) >= chunk:
                cursor.executemany(sql, batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)


def _rows(table: pa.Table, names: list[str], extra: Callable[[int], tuple] | None = None):
    """Rows of ``table`` as tuples, converted chunk by chunk to bound memory."""
    for start in range(0, table.num_rows, CHUNK):
        part = table.slice(start, CHUNK)
        columns = [part[name].to_pylist() for name in names]
        for offset, row in enumerate(zip(*columns, strict=True)):
            yield row + extra(start + offset) if extra else row


def extraction_date(path: Path) -> date | None:
    """Date of the extraction from the ANS file name (``…_202611240845.txt`` or ``.zip``)."""
    match = re.search(r"_(20\d{2})(\d{2})(\d{2})\d*\.(?:txt|zip)$", path.name, re.IGNORECASE)
    if not match:
        return None
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def import_rpps(
    path: Path, *, dry_run: bool = False, progress: Progress | None = None
) -> ImportReport:
    """Import the ``PS_LibreAcces`` file: professionals and activities, diffed in bulk."""
    path = Path(path)
    resolver = CommuneResolver()
    lines, counts = read_rpps(path, resolver, progress)  # raises before any write
    professionals = professionals_of(lines)
    activities = activities_of(lines)
    del lines
    prints, owner = fingerprints(professionals, activities)

    report = ImportReport(f"Import RPPS ({path.name})", dry_run)
    with atomic_import(report):
        supply_import = SupplyImport.objects.create(
            kind=SupplyImport.Kind.RPPS, fichier=str(path), date_donnees=extraction_date(path)
        )
        _write(supply_import, professionals, prints, activities, owner, report)
        if counts["sans_commune"]:
            report.warn(
                f"{counts['sans_commune']} lignes sans commune (code commune vide et code "
                f"postal inconnu ou ambigu, dont {counts['code_postal_ambigu']} ambigus)"
            )
        if counts["hors_referentiel"]:
            report.warn(
                f"{counts['hors_referentiel']} lignes dont la commune est absente du "
                "référentiel (code gardé dans « code commune lu »)"
            )
        supply_import.comptes = {**counts, **report.counts}
        supply_import.save(update_fields=["comptes"])
    return report


def _write(supply_import, professionals, prints, activities, owner, report) -> None:
    table = Professional._meta.db_table
    existing = _existing_professionals()
    position = pc.index_in(
        professionals["identifiant_national"], value_set=existing["identifiant_national"]
    )
    matched = pc.is_valid(position).to_numpy(zero_copy_only=False)
    positions = position.fill_null(0).to_numpy(zero_copy_only=False)
    new_rows = np.flatnonzero(~matched)
    old_rows = np.flatnonzero(matched)

    # Existing professionals: field changes, reactivation, activity fingerprint.
    differs = np.zeros(len(old_rows), dtype=bool)
    if len(old_rows):
        old = existing.take(pa.array(positions[old_rows]))
        new = professionals.take(pa.array(old_rows))
        for name in PROFESSIONAL_FIELDS:
            differs |= ~pc.equal(old[name], new[name]).fill_null(False).to_numpy(False)
        differs |= ~old["actif"].to_numpy(zero_copy_only=False)
        old_prints = np.asarray(old["empreinte_activites"].to_pylist(), dtype=object)
        prints_changed = old_prints != prints[old_rows]
        old_ids = old["id"].to_numpy()
    else:
        prints_changed = np.zeros(0, dtype=bool)
        old_ids = np.zeros(0, dtype=np.int64)
    updated = differs | prints_changed

    absent = ~pc.is_in(
        existing["identifiant_national"], value_set=professionals["identifiant_national"]
    ).to_numpy(False) & existing["actif"].to_numpy(zero_copy_only=False)
    absent_ids = existing["id"].to_numpy()[absent]

    if len(new_rows):
        # Inserting in key order keeps the unique index of identifiers append-only.
        keys = professionals["identifiant_national"].take(pa.array(new_rows))
        new_rows = new_rows[pc.sort_indices(keys).to_numpy()]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            # Random index inserts thrash SQLite's default 2 MB page cache.
            cursor.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
        if len(absent_ids):
            _executemany(
                f"UPDATE {table} SET actif = %s WHERE id = %s",  # noqa: S608
                ((False, int(i)) for i in absent_ids),
            )
        if updated.any():
            rows = professionals.take(pa.array(old_rows[updated]))
            ids = old_ids[updated]
            fps = prints[old_rows[updated]]
            sets = ", ".join(f"{name} = %s" for name in PROFESSIONAL_FIELDS)
            _executemany(
                f"UPDATE {table} SET {sets}, empreinte_activites = %s, actif = %s "  # noqa: S608
                "WHERE id = %s",
                _rows(rows, PROFESSIONAL_FIELDS, lambda i: (fps[i], True, int(ids[i]))),
            )
        cursor.execute(
            f"UPDATE {table} SET dernier_import_id = %s WHERE actif = %s",  # noqa: S608
            [supply_import.pk, True],
        )
        if len(new_rows):
            rows = professionals.take(pa.array(new_rows))
            fps = prints[new_rows]
            names = ["identifiant_national", *PROFESSIONAL_FIELDS]
            columns = [
                *names,
                "empreinte_activites",
                "actif",
                "premier_import_id",
                "dernier_import_id",
            ]
            _executemany(
                f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608
                f"VALUES ({', '.join(['%s'] * len(columns))})",
                _rows(rows, names, lambda i: (fps[i], True, supply_import.pk, supply_import.pk)),
            )

    # Database id of every professional of the file.
    db_ids = np.zeros(professionals.num_rows, dtype=np.int64)
    db_ids[old_rows] = old_ids
    if len(new_rows):
        created = dict(
            Professional.objects.filter(premier_import=supply_import).values_list(
                "identifiant_national", "id"
            )
        )
        new_keys = professionals["identifiant_national"].take(pa.array(new_rows)).to_pylist()
        db_ids[new_rows] = [created[key] for key in new_keys]

    # Activities: rewritten for new professionals and those whose fingerprint changed.
    rewrite = np.zeros(professionals.num_rows, dtype=bool)
    rewrite[new_rows] = True
    rewrite[old_rows[prints_changed]] = True
    activity_table = Activity._meta.db_table
    deleted = 0
    stale = old_ids[prints_changed]
    with connection.cursor() as cursor:
        for start in range(0, len(stale), 500):
            chunk = [int(i) for i in stale[start : start + 500]]
            cursor.execute(
                f"DELETE FROM {activity_table} WHERE professional_id IN "  # noqa: S608
                f"({', '.join(['%s'] * len(chunk))})",
                chunk,
            )
            deleted += cursor.rowcount
    keep = rewrite[owner]
    kept = np.flatnonzero(keep)
    written_owner = db_ids[owner[kept]]
    order = np.argsort(written_owner, kind="stable")  # append-only professional_id index
    written = activities.take(pa.array(kept[order]))
    written_owner = written_owner[order]
    columns = ["professional_id", *ACTIVITY_FIELDS]
    empty_to_null = pc.if_else(
        pc.equal(written["commune_id"], ""), pa.scalar(None, pa.string()), written["commune_id"]
    )
    written = written.set_column(
        written.schema.get_field_index("commune_id"), "commune_id", empty_to_null
    )
    _executemany(
        f"INSERT INTO {activity_table} ({', '.join(columns)}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(columns))})",
        ((int(written_owner[i]), *row) for i, row in enumerate(_rows(written, ACTIVITY_FIELDS))),
    )
    report.add(
        "professionnels",
        created=len(new_rows),
        updated=int(updated.sum()),
        unchanged=int(len(old_rows) - updated.sum()),
    )
    if len(absent_ids):
        report.add("professionnels absents du fichier (désactivés)", updated=len(absent_ids))
    report.add(
        "activités",
        created=int(keep.sum()),
        unchanged=int((~keep).sum()),
        deleted=deleted,
    )
