"""Streaming parser of the RPPS "PS_LibreAcces" ``Personne_activite`` extraction.

The file (ANS, Annuaire santé) is UTF-8, ``|``-separated, never quoted, and every line ends
with a trailing ``|``. It has one line per activity and savoir-faire of a professional, so a
professional appears on several lines; :func:`aggregate_professionals` and
:func:`count_professionals` deduplicate on ``Identification nationale PP``.

Two readers share the column lookup and the error messages:

* :func:`iter_activities` goes line by line in Python and yields :class:`Activity` records;
  it is exact about line numbers and is the reference (10 s for the national file).
* :func:`iter_activity_batches` streams pyarrow record batches (2 s to read it); when
  pyarrow rejects the file, the line-by-line reader is run to name the faulty line.

Both accept the ``PS_LibreAcces`` zip (the ``Personne_activite`` member is found by name) or
the plain text file (``PS_LibreAcces_Personne_activite_<ts>.txt`` or the data.gouv
``ps-libreacces-personne-activite.txt``).
"""

from __future__ import annotations

import codecs
import io
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Literal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from .bytelines import iter_decoded_lines
from .errors import SourceError
from .professions import ProfessionTable, load_profession_table
from .text import normalise_header

SEPARATOR = "|"

#: (record field, accepted header spellings, required). Headers are compared with
#: :func:`normalise_header`, so case and accents do not matter.
COLUMNS: tuple[tuple[str, tuple[str, ...], bool], ...] = (
    ("type_identifiant", ("Type d'identifiant PP",), True),
    ("identifiant", ("Identifiant PP",), False),
    ("identifiant_national", ("Identification nationale PP",), True),
    ("nom", ("Nom d'exercice",), True),
    ("prenom", ("Prénom d'exercice",), True),
    ("code_profession", ("Code profession",), True),
    ("libelle_profession", ("Libellé profession",), True),
    ("code_categorie_professionnelle", ("Code catégorie professionnelle",), True),
    # One third-party source says the savoir-faire columns may move to their own file, so a
    # file without them is accepted: every line then counts as "no specialty".
    ("type_savoir_faire", ("Code type savoir-faire",), False),
    ("code_savoir_faire", ("Code savoir-faire",), False),
    ("libelle_savoir_faire", ("Libellé savoir-faire",), False),
    ("mode_exercice", ("Code mode exercice",), True),
    ("siret", ("Numéro SIRET site",), False),
    ("finess_site", ("Numéro FINESS site",), False),
    ("raison_sociale", ("Raison sociale site",), False),
    ("code_postal", ("Code postal (coord. structure)",), True),
    ("code_commune_structure", ("Code commune (coord. structure)",), True),
    (
        "departement",
        ("Code Département (structure)", "Code département (coord. structure)"),
        False,
    ),
    ("secteur_activite", ("Code secteur d'activité",), False),
)
FIELDS = tuple(name for name, _, _ in COLUMNS)

#: Municipal arrondissements of Paris, Lyon and Marseille and their parent commune.
PLM_PARENTS = {"75": "75056", "69": "69123", "13": "13055"}


def plm_parent(code_insee: str) -> str:
    """Parent commune of a Paris / Lyon / Marseille arrondissement code, else the code itself.

    751xx (75101–75120) → 75056, 6938x (69381–69389) → 69123, 132xx (13201–13216) → 13055.
    """
    if len(code_insee) == 5:
        if code_insee.startswith("751") and "01" <= code_insee[3:] <= "20":
            return "75056"
        if code_insee.startswith("6938") and "1" <= code_insee[4] <= "9":
            return "69123"
        if code_insee.startswith("132") and "01" <= code_insee[3:] <= "16":
            return "13055"
    return code_insee


def departement_of(code_insee: str) -> str:
    """Département code of an INSEE commune code (3 characters overseas, else 2)."""
    if not code_insee:
        return ""
    return code_insee[:3] if code_insee.startswith(("97", "98")) else code_insee[:2]


@dataclass(frozen=True, slots=True)
class Activity:
    """One line of ``Personne_activite``: an activity (or savoir-faire) of a professional.

    ``code_commune`` is the commune of the structure, falling back on the postcode table when
    the file leaves it empty; ``origine_commune`` says which (``"commune"``,
    ``"code_postal"`` or ``""`` when unknown). ``departement`` is the file's value, else
    derived from ``code_commune``. ``categorie`` comes from the profession table.
    """

    line: int
    type_identifiant: str
    identifiant: str
    identifiant_national: str
    nom: str
    prenom: str
    code_profession: str
    libelle_profession: str
    code_categorie_professionnelle: str
    type_savoir_faire: str
    code_savoir_faire: str
    libelle_savoir_faire: str
    mode_exercice: str
    siret: str
    finess_site: str
    raison_sociale: str
    code_postal: str
    code_commune: str
    origine_commune: str
    departement: str
    secteur_activite: str
    categorie: str
    specificite: int


@dataclass(slots=True)
class Professional:
    """A professional (one ``Identification nationale PP``) with all their activity lines.

    ``categorie`` is the category of their most specifically matched line (a listed
    savoir-faire beats "no savoir-faire", which beats the profession default); ties go to the
    first line of the file.
    """

    identifiant_national: str
    type_identifiant: str
    nom: str
    prenom: str
    code_profession: str
    libelle_profession: str
    categorie: str
    activites: list[Activity] = field(default_factory=list)


@dataclass
class ParseReport:
    """What a parse skipped or noticed; filled when passed to a parser."""

    lines: int = 0
    records: int = 0
    skipped: list[SourceError] = field(default_factory=list)
    warnings: list[SourceError] = field(default_factory=list)


OnError = Literal["raise", "skip"]


# --------------------------------------------------------------------------- opening


@contextmanager
def _open_binary(path: Path) -> Iterator[tuple[IO[bytes], str]]:
    """Binary stream of the activity file and the name to show in messages."""
    path = Path(path)
    if not path.exists():
        raise SourceError(path, "fichier introuvable")
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            member = _find_member(path, archive)
            with archive.open(member) as handle:
                yield handle, f"{path}!{member}"
    else:
        with open(path, "rb") as handle:
            yield handle, str(path)


def _find_member(path: Path, archive: zipfile.ZipFile) -> str:
    candidates = [
        name
        for name in archive.namelist()
        if "personne_activite" in Path(name).name.lower().replace("-", "_")
        and not name.endswith("/")
    ]
    if len(candidates) != 1:
        raise SourceError(
            path,
            "l'archive doit contenir un et un seul fichier « Personne_activite »"
            if candidates
            else "aucun fichier « Personne_activite » dans l'archive",
            expected="PS_LibreAcces_Personne_activite_<horodatage>.txt",
            found=", ".join(candidates or archive.namelist()),
        )
    return candidates[0]


@dataclass(frozen=True)
class _Header:
    names: list[str]  # raw header fields, trailing empty one included
    positions: dict[str, int]  # record field -> index of its column

    @property
    def width(self) -> int:
        return len(self.names)


def _parse_header(where: str, line: str) -> _Header:
    if SEPARATOR not in line:
        for other, label in ((";", "point-virgule"), (",", "virgule"), ("\t", "tabulation")):
            if other in line:
                raise SourceError(
                    where,
                    f"séparateur inattendu ({label}) : le fichier RPPS est séparé par « | »",
                    line=1,
                    expected="|",
                    found=other,
                    character=line.index(other) + 1,
                )
        raise SourceError(
            where,
            "en-tête RPPS introuvable : aucun séparateur « | »",
            line=1,
            found=line,
            character=1,
        )
    names = line.split(SEPARATOR)
    index = {normalise_header(name): position for position, name in enumerate(names) if name}
    positions: dict[str, int] = {}
    for name, spellings, required in COLUMNS:
        for spelling in spellings:
            position = index.get(normalise_header(spelling))
            if position is not None:
                positions[name] = position
                break
        else:
            if required:
                raise SourceError(
                    where,
                    "colonne obligatoire absente de l'en-tête",
                    line=1,
                    column=spellings[0],
                )
    return _Header(names, positions)


# --------------------------------------------------------------------------- line by line


def iter_activities(
    path: str | Path,
    *,
    postcode_to_commune: Mapping[str, str] | None = None,
    merge_plm: bool = False,
    table: ProfessionTable | None = None,
    on_error: OnError = "raise",
    report: ParseReport | None = None,
) -> Iterator[Activity]:
    """Yield the activity lines of a ``Personne_activite`` file, one record per line.

    Parameters
    ----------
    path : str or Path
        The ``PS_LibreAcces`` zip or the plain ``Personne_activite`` text file.
    postcode_to_commune : mapping, optional
        ``{code postal: code INSEE}`` used when ``Code commune (coord. structure)`` is empty.
        Give only unambiguous postcodes; without it such lines get ``code_commune == ""``.
    merge_plm : bool
        Map Paris, Lyon and Marseille arrondissements to 75056, 69123 and 13055.
    table : ProfessionTable, optional
        Category table (default: the bundled ``professions.yaml``).
    on_error : {"raise", "skip"}
        ``"raise"`` (default, for atomic imports) stops at the first line with a wrong number
        of fields; ``"skip"`` leaves it out and appends the error to ``report.skipped``.
        Header problems and undecodable bytes always raise.
    report : ParseReport, optional
        Receives line counts and skipped lines.

    Raises
    ------
    SourceError
        Missing file, no activity member in the zip, wrong separator, missing required column,
        undecodable byte (with its line), or a line with the wrong number of fields (with its
        line) when ``on_error == "raise"``.
    """
    table = table or load_profession_table()
    report = report if report is not None else ParseReport()
    resolve = _commune_resolver(postcode_to_commune, merge_plm)
    with _open_binary(Path(path)) as (binary, where):
        lines = iter_decoded_lines(where, binary)
        header = None
        for number, line in lines:
            if number == 1:
                header = _parse_header(where, line)
                get = _getter(header)
                continue
            if not line:
                continue
            report.lines += 1
            fields = line.split(SEPARATOR)
            if len(fields) != header.width:
                error = _width_error(where, number, header.width, len(fields), line)
                if on_error == "raise":
                    raise error
                report.skipped.append(error)
                continue
            values = get(fields)
            commune, origin = resolve(values[16], values[15])
            departement = values[17] or departement_of(commune)
            category, specificity = table.classify(values[5], values[9])
            report.records += 1
            yield Activity(
                number,
                *values[:16],
                commune,
                origin,
                departement,
                values[18],
                category,
                specificity,
            )
        if header is None:
            raise SourceError(where, "fichier vide : en-tête RPPS absent", line=1)


def _getter(header: _Header) -> Callable[[list[str]], list[str]]:
    positions = [header.positions.get(name) for name in FIELDS]

    def get(fields: list[str]) -> list[str]:
        return [fields[p].strip() if p is not None else "" for p in positions]

    return get


def _width_error(where: str, number: int, width: int, found: int, line: str) -> SourceError:
    return SourceError(
        where,
        "nombre de champs incorrect (ligne tronquée ou « | » en trop)",
        line=number,
        expected=f"{width} champs séparés par « | » (dernier champ vide compris)",
        found=f"{found} champs : {line}",
    )


def _commune_resolver(
    postcode_to_commune: Mapping[str, str] | None, merge_plm: bool
) -> Callable[[str, str], tuple[str, str]]:
    postcodes = postcode_to_commune or {}

    def resolve(code_commune: str, code_postal: str) -> tuple[str, str]:
        if code_commune:
            origin = "commune"
        else:
            code_commune = postcodes.get(code_postal, "") if code_postal else ""
            origin = "code_postal" if code_commune else ""
        if merge_plm and code_commune:
            code_commune = plm_parent(code_commune)
        return code_commune, origin

    return resolve


def aggregate_professionals(activities: Iterable[Activity]) -> dict[str, Professional]:
    """Group activity lines by ``Identification nationale PP``.

    Keeps every line in :attr:`Professional.activites`; meant for a filtered stream (one
    département, one profession). For national counts use :func:`count_professionals`,
    which holds only a few columns in memory.
    """
    professionals: dict[str, Professional] = {}
    best: dict[str, int] = {}
    for activity in activities:
        key = activity.identifiant_national
        professional = professionals.get(key)
        if professional is None:
            professional = professionals[key] = Professional(
                key,
                activity.type_identifiant,
                activity.nom,
                activity.prenom,
                activity.code_profession,
                activity.libelle_profession,
                activity.categorie,
            )
            best[key] = activity.specificite
        elif activity.specificite > best[key]:
            professional.categorie = activity.categorie
            best[key] = activity.specificite
        professional.activites.append(activity)
    return professionals


# --------------------------------------------------------------------------- pyarrow


def iter_activity_batches(
    path: str | Path,
    *,
    fields: Iterable[str] = FIELDS,
    block_size: int = 4 << 20,
    on_error: OnError = "raise",
    report: ParseReport | None = None,
) -> Iterator[pa.RecordBatch]:
    """Stream the activity file as pyarrow record batches of raw string columns.

    Columns are named after the record fields (``FIELDS``; ``code_commune_structure`` is the
    raw commune, no fallback); an optional column absent from the header comes out as empty
    strings. Memory stays bounded by ``block_size``.

    Parameters
    ----------
    path : str or Path
        The zip or the plain text file.
    fields : iterable of str
        Record fields to read (a subset of ``FIELDS``).
    block_size : int
        Bytes parsed per batch.
    on_error : {"raise", "skip"}
        As in :func:`iter_activities`. In ``"skip"`` mode pyarrow drops lines with a wrong
        number of fields and they are listed in ``report.skipped``.
    report : ParseReport, optional
        Receives the skipped lines and the number of records.

    Raises
    ------
    SourceError
        As :func:`iter_activities`; when pyarrow rejects a line, the file is scanned line by
        line to report the line number.
    """
    fields = list(fields)
    unknown = [name for name in fields if name not in FIELDS]
    if unknown:
        raise ValueError(f"unknown RPPS fields: {unknown}")
    report = report if report is not None else ParseReport()
    path = Path(path)
    with _open_binary(path) as (binary, where):
        # The header through the shared text layer (BOM, NUL byte, length limit, decoding).
        first = next(iter_decoded_lines(where, binary), None)
        if first is None:
            raise SourceError(
                where,
                "fichier vide",
                line=1,
                character=1,
                expected="l'en-tête de PS_LibreAcces_Personne_activite (séparateur « | »)",
            )
        header = _parse_header(where, first[1])
        # pyarrow names columns itself: the header line was consumed above, so names are
        # positional and duplicate or empty header names cannot confuse it.
        names = [f"c{position}" for position in range(header.width)]
        wanted = {name: header.positions.get(name) for name in fields}
        include = sorted({f"c{p}" for p in wanted.values() if p is not None})

        def on_invalid(row: pacsv.InvalidRow) -> str:
            if on_error == "raise":
                return "error"
            number = row.number + 1 if row.number is not None else None  # header line
            report.skipped.append(
                _width_error(where, number, header.width, row.actual_columns, row.text)
            )
            return "skip"

        options = {
            "read_options": pacsv.ReadOptions(column_names=names, block_size=block_size),
            "parse_options": pacsv.ParseOptions(
                delimiter=SEPARATOR,
                quote_char=False,
                escape_char=False,
                newlines_in_values=False,
                invalid_row_handler=on_invalid,
            ),
            "convert_options": pacsv.ConvertOptions(
                include_columns=include,
                column_types=dict.fromkeys(include, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        }
        try:
            reader = pacsv.open_csv(_Utf8Checked(binary), **options)
            while True:
                try:
                    batch = reader.read_next_batch()
                except StopIteration:
                    break
                report.records += batch.num_rows
                report.lines += batch.num_rows
                yield _rename(batch, wanted)
        except (pa.ArrowInvalid, UnicodeDecodeError) as error:
            if "Empty CSV file" in str(error):
                raise SourceError(
                    where, "aucune ligne de données après l'en-tête", line=2, character=1
                ) from error
            # Re-read precisely to name the line; raise pyarrow's message otherwise.
            _locate_error(path)
            raise SourceError(where, f"fichier RPPS illisible : {error}") from error
    if any(error.line is None for error in report.skipped):
        _number_skipped(path, report)


def _number_skipped(path: Path, report: ParseReport) -> None:
    """pyarrow does not know the line numbers of the rows it skipped: find them."""
    wanted = {
        error.found.split(" : ", 1)[1]: i
        for i, error in enumerate(report.skipped)
        if error.line is None and error.found
    }
    with _open_binary(path) as (binary, _):
        for number, line in iter_decoded_lines(path, binary):
            index = wanted.pop(line, None)
            if index is not None:
                error = report.skipped[index]
                report.skipped[index] = SourceError(
                    error.path, error.message, number, error.column, error.expected, error.found
                )
                if not wanted:
                    return


class _Utf8Checked(io.RawIOBase):
    """Pass-through reader that checks that the bytes are UTF-8.

    pyarrow validates only the columns it converts; decoding every block here (C speed)
    catches a bad byte in any column, and the line reader then names its line.
    """

    def __init__(self, raw: IO[bytes]) -> None:
        self._raw = raw
        self._decoder = codecs.getincrementaldecoder("utf-8")("strict")

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        data = self._raw.read(size)
        self._decoder.decode(data, final=not data)
        if b"\x00" in data:  # valid UTF-8, but no text column may hold it: the line reader
            at = data.index(b"\x00")  # then names the line
            raise UnicodeDecodeError("utf-8", data, at, at + 1, "octet nul")
        return data

    def readinto(self, buffer) -> int:  # pragma: no cover - pyarrow calls read()
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def _rename(batch: pa.RecordBatch, wanted: Mapping[str, int | None]) -> pa.RecordBatch:
    arrays = []
    for position in wanted.values():
        if position is None:
            arrays.append(pa.array([""] * batch.num_rows, pa.string()))
        else:
            column = batch.column(f"c{position}")
            # The file pads nothing, but trimming keeps both readers identical.
            arrays.append(pc.utf8_trim_whitespace(column))
    return pa.RecordBatch.from_arrays(arrays, names=list(wanted))


def _locate_error(path: Path) -> None:
    """Re-read the file line by line and raise the precise error, if there is one."""
    for _ in iter_activities(path, on_error="raise"):
        pass


def count_professionals(
    path: str | Path,
    *,
    postcode_to_commune: Mapping[str, str] | None = None,
    merge_plm: bool = False,
    table: ProfessionTable | None = None,
    on_error: OnError = "raise",
    report: ParseReport | None = None,
) -> pa.Table:
    """Count distinct professionals per commune, category and mode of practice.

    Each professional gets one category (their most specific line, as
    :func:`aggregate_professionals`), then is counted once in every ``(code_commune,
    mode_exercice)`` where they have an activity line. Lines without a resolved commune are
    counted under ``code_commune == ""``.

    Returns
    -------
    pyarrow.Table
        Columns ``code_commune``, ``categorie``, ``mode_exercice`` (str) and ``effectif``
        (int64), sorted by the first three.
    """
    table = table or load_profession_table()
    resolve = _commune_resolver(postcode_to_commune, merge_plm)
    fields = [
        "identifiant_national",
        "code_profession",
        "code_savoir_faire",
        "mode_exercice",
        "code_postal",
        "code_commune_structure",
    ]
    ids: list[pa.Array] = []
    communes: list[pa.Array] = []
    modes: list[pa.Array] = []
    categories: list[np.ndarray] = []
    specificities: list[np.ndarray] = []
    for batch in iter_activity_batches(path, fields=fields, on_error=on_error, report=report):
        columns = dict(zip(batch.schema.names, batch.columns, strict=True))
        category, specificity = _map_pairs(
            columns["code_profession"],
            columns["code_savoir_faire"],
            lambda p, s: table.classify(p, s),
        )
        commune, _ = _map_pairs(
            columns["code_commune_structure"],
            columns["code_postal"],
            lambda c, p: (resolve(c, p)[0], 0),
        )
        ids.append(columns["identifiant_national"])
        communes.append(commune)
        modes.append(columns["mode_exercice"])
        categories.append(category)
        specificities.append(specificity)
    if not ids:
        return _empty_counts()
    id_codes, _ = _encode(pa.chunked_array(ids, pa.string()))
    commune_codes, commune_values = _encode(pa.chunked_array(communes, pa.string()))
    mode_codes, mode_values = _encode(pa.chunked_array(modes, pa.string()))
    category_array = pa.chunked_array(categories, pa.string())
    category_codes, category_values = _encode(category_array)
    specificity = np.concatenate([np.asarray(s) for s in specificities]).astype(np.int64)

    # One category per professional: the most specific line, the first one on ties.
    rows = np.arange(len(id_codes))
    order = np.lexsort((rows, -specificity, id_codes))
    sorted_ids = id_codes[order]
    first = order[np.r_[True, sorted_ids[1:] != sorted_ids[:-1]]]
    per_professional = np.empty(id_codes.max() + 1, dtype=np.int64)
    per_professional[id_codes[first]] = category_codes[first]
    row_category = per_professional[id_codes]

    # Distinct (group, professional) pairs, then a count per group.
    n_modes, n_categories = len(mode_values), len(category_values)
    group = (commune_codes * n_categories + row_category) * n_modes + mode_codes
    n_ids = int(id_codes.max()) + 1
    if int(group.max()) < np.iinfo(np.int64).max // n_ids:
        # One int64 key per (group, professional) pair: a 1-D unique is far cheaper.
        pair_groups = np.unique(group * n_ids + id_codes) // n_ids
    else:  # pragma: no cover - would need billions of groups
        pair_groups = np.unique(np.stack([group, id_codes]), axis=1)[0]
    groups, counts = np.unique(pair_groups, return_counts=True)
    mode_of = groups % n_modes
    category_of = (groups // n_modes) % n_categories
    commune_of = groups // (n_modes * n_categories)
    result = pa.table(
        {
            "code_commune": pa.array(commune_values).take(pa.array(commune_of)),
            "categorie": pa.array(category_values).take(pa.array(category_of)),
            "mode_exercice": pa.array(mode_values).take(pa.array(mode_of)),
            "effectif": pa.array(counts, pa.int64()),
        }
    )
    return result.sort_by(
        [("code_commune", "ascending"), ("categorie", "ascending"), ("mode_exercice", "ascending")]
    )


def _map_pairs(
    left: pa.Array, right: pa.Array, function: Callable[[str, str], tuple[str, int]]
) -> tuple[pa.Array, np.ndarray]:
    """Apply ``function`` to each distinct ``(left, right)`` pair of two string columns.

    The files repeat a few thousand pairs over a million lines, so the Python function runs
    once per distinct pair and numpy spreads the results.
    """
    joined = pc.binary_join_element_wise(left, right, "\x1f")
    encoded = pc.dictionary_encode(joined)
    keys = encoded.dictionary.to_pylist()
    results = [function(*key.split("\x1f", 1)) for key in keys]
    indices = encoded.indices.to_numpy(zero_copy_only=False)
    texts = pa.array([text for text, _ in results], pa.string()).take(pa.array(indices))
    numbers = np.array([number for _, number in results], dtype=np.int64)[indices]
    return texts, numbers


def _encode(values: pa.ChunkedArray) -> tuple[np.ndarray, list[str]]:
    encoded = pc.dictionary_encode(values.combine_chunks())
    return encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64), (
        encoded.dictionary.to_pylist()
    )


def _empty_counts() -> pa.Table:
    return pa.table(
        {
            "code_commune": pa.array([], pa.string()),
            "categorie": pa.array([], pa.string()),
            "mode_exercice": pa.array([], pa.string()),
            "effectif": pa.array([], pa.int64()),
        }
    )


#: Public name of the pair mapper, used by the database import.
map_pairs = _map_pairs


# --------------------------------------------------------------------------- CPAM activity


@dataclass(frozen=True, slots=True)
class ProfessionalActivity:
    """Year of birth and yearly activity of one professional, from a CPAM file."""

    identifiant_national: str
    annee_naissance: int | None
    annee: int
    actes: float | None
    etp: float | None
    line: int = field(default=0, compare=False)


ACTIVITY_COLUMNS = ("identifiant_national", "annee_naissance", "annee", "actes", "etp")


def iter_professional_activity(path: str | Path) -> Iterator[ProfessionalActivity]:
    """Yield the lines of ``activite-ps.csv`` (format defined by the project).

    Header ``identifiant_national;annee_naissance;annee;actes;etp`` (any order, case and
    accents ignored; ``;``, ``,`` or tabulation), UTF-8, Windows-1252 or UTF-16 with a BOM.
    ``identifiant_national`` is the 11- or 12-character ``Identification nationale PP``;
    ``annee`` (4 digits) is the year of the activity; ``annee_naissance``, ``actes`` (acts in
    the year) and ``etp`` (full-time equivalent, 0 to 2) may be empty, but not all three.

    Raises
    ------
    SourceError
        Missing column, wrong number of fields, malformed identifier / year / number, a value
        out of range, or the same ``(identifiant_national, annee)`` twice — with line and
        column.
    """
    from .indicators import parse_number
    from .text import open_text

    path = Path(path)
    if not path.exists():
        raise SourceError(path, "fichier introuvable")
    with open_text(path, ("utf-8", "cp1252", "utf-16")) as handle:
        encoding = handle.encoding
    seen: dict[tuple[str, int], int] = {}
    with open(path, "rb") as binary:
        lines = iter_decoded_lines(path, binary, encoding)
        first = next(lines, None)
        if first is None:
            raise SourceError(
                path, "fichier vide", line=1, character=1, expected=";".join(ACTIVITY_COLUMNS)
            )
        separator = max((";", ",", "\t"), key=first[1].count)
        names = [normalise_header(name).strip('"') for name in first[1].split(separator)]
        for column in ACTIVITY_COLUMNS:
            if column not in names:
                raise SourceError(
                    path,
                    "colonne obligatoire absente de l'en-tête",
                    line=1,
                    column=column,
                    expected=";".join(ACTIVITY_COLUMNS),
                )
        index = {name: names.index(name) for name in ACTIVITY_COLUMNS}
        for number, line in lines:
            if not line.strip():
                continue
            fields = [value.strip().strip('"') for value in line.split(separator)]
            if len(fields) != len(names):
                raise SourceError(
                    path,
                    "nombre de champs incorrect",
                    line=number,
                    expected=f"{len(names)} champs",
                    found=line,
                )
            get = {name: fields[position] for name, position in index.items()}
            identifier = get["identifiant_national"]
            if not (identifier.isdigit() and len(identifier) in (11, 12)):
                raise SourceError(
                    path,
                    "identifiant national invalide",
                    line=number,
                    column="identifiant_national",
                    expected="11 ou 12 chiffres (Identification nationale PP)",
                    found=identifier,
                )
            year = _year_field(path, number, "annee", get["annee"], required=True)
            birth = _year_field(path, number, "annee_naissance", get["annee_naissance"])
            acts = _number_field(path, number, "actes", get["actes"], parse_number, 1e6)
            fte = _number_field(path, number, "etp", get["etp"], parse_number, 2.0)
            if birth is None and acts is None and fte is None:
                raise SourceError(
                    path,
                    "ligne sans valeur",
                    line=number,
                    column="annee_naissance",
                    expected="au moins une année de naissance, un nombre d'actes ou un ETP",
                )
            key = (identifier, year)
            if key in seen:
                raise SourceError(
                    path,
                    f"professionnel et année en double (déjà donnés ligne {seen[key]})",
                    line=number,
                    column="identifiant_national",
                    found=f"{identifier} / {year}",
                )
            seen[key] = number
            yield ProfessionalActivity(identifier, birth, year, acts, fte, number)


def _year_field(path, number, column, text, required=False) -> int | None:
    if not text and not required:
        return None
    if not (len(text) == 4 and text.isdigit() and 1900 <= int(text) <= 2100):
        raise SourceError(
            path, "année invalide", line=number, column=column, expected="AAAA", found=text
        )
    return int(text)


def _number_field(path, number, column, text, parse, maximum) -> float | None:
    if not text:
        return None
    try:
        value = parse(text)
    except ValueError as error:
        raise SourceError(
            path, "nombre invalide", line=number, column=column, expected="un nombre", found=text
        ) from error
    if not 0 <= value <= maximum:
        raise SourceError(
            path,
            "valeur hors limites",
            line=number,
            column=column,
            expected=f"entre 0 et {maximum:g}",
            found=text,
        )
    return value
