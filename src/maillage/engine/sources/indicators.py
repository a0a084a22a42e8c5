"""Parsers of indicator files: the project CSV, the DREES APL workbook, data.ameli densities.

* :func:`iter_indicator_values`: ``indicateur;code_insee;annee;numerateur;denominateur``,
  one value per commune and year (numbers with a decimal comma or point).
* :func:`iter_apl_values`: DREES "accessibilité potentielle localisée" xlsx, one sheet per
  year. The real layout could not be checked here; the assumptions are documented on the
  function and in ``docs/sources-offre.md``.
* :func:`iter_ameli_demography`: data.ameli ``demographie-effectifs-et-les-densites`` CSV
  export (département level), ``NS`` / ``NC`` read as missing, never 0.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from .archives import ArchiveLimits, open_workbook
from .errors import SourceError
from .numbers import parse_number
from .text import normalise_header
from .textinput import SPREADSHEET, TextLines, csv_records, open_lines

COMMUNE_CODE = re.compile(r"^(?:\d{5}|2[AB]\d{3})$")
MISSING = {"", "NS", "NC", "NA", "N/A", "ND", "-"}


def _header(
    lines: TextLines, required: tuple[str, ...], separators: str
) -> tuple[str, dict[str, int]]:
    """Separator and column positions of the header; errors then name their column."""
    path = lines.where
    line = lines.header(expected=separators[0].join(required))
    separator = max(separators, key=line.count)
    raw_names = next(csv.reader([line], delimiter=separator))
    lines.name_columns(separator, raw_names)
    names = [normalise_header(name) for name in raw_names]
    for column in required:
        if column not in names:
            raise SourceError(
                path,
                "colonne obligatoire absente de l'en-tête",
                line=1,
                column=column,
                expected=separator.join(required),
            )
    return separator, {name: position for position, name in enumerate(names)}


# --------------------------------------------------------------------------- project CSV


@dataclass(frozen=True, slots=True)
class IndicatorValue:
    """One indicator value of a commune for a year; ``denominateur`` is ``None`` for counts."""

    indicateur: str
    code_insee: str
    annee: int
    numerateur: float
    denominateur: float | None
    line: int = field(default=0, compare=False)


INDICATOR_COLUMNS = ("indicateur", "code_insee", "annee", "numerateur", "denominateur")


def iter_indicator_values(path: str | Path) -> Iterator[IndicatorValue]:
    """Yield the values of an indicator CSV, checking each line.

    The numerator may exceed the denominator (rates per 100 000 inhabitants, for example);
    only signs are checked: numerator ≥ 0, denominator > 0 when given.

    Raises
    ------
    SourceError
        Missing column, wrong number of fields, empty indicator, malformed INSEE code or year,
        a number that does not parse, a negative numerator, a denominator ≤ 0, or the same
        ``(indicateur, code_insee, annee)`` twice (naming both lines). Every error names
        its line and column: the import is atomic.
    """
    path = Path(path)
    seen: dict[tuple[str, str, int], int] = {}
    with open_lines(path, SPREADSHEET) as lines:
        separator, index = _header(lines, INDICATOR_COLUMNS, ";,\t")
        width = len(index)
        for number, raw_fields in csv_records(lines, separator):
            fields = [value.strip() for value in raw_fields]
            if len(fields) != width:
                raise SourceError(
                    path,
                    "nombre de champs incorrect",
                    line=number,
                    expected=f"{width} champs",
                    found=separator.join(fields),
                )
            get = {name: fields[index[name]] for name in INDICATOR_COLUMNS}
            if not get["indicateur"]:
                raise SourceError(path, "valeur obligatoire vide", line=number, column="indicateur")
            code = get["code_insee"].upper()
            if not COMMUNE_CODE.match(code):
                raise SourceError(
                    path,
                    "code INSEE de commune invalide",
                    line=number,
                    column="code_insee",
                    expected="5 caractères",
                    found=code,
                )
            if not re.fullmatch(r"\d{4}", get["annee"]):
                raise SourceError(
                    path,
                    "année invalide",
                    line=number,
                    column="annee",
                    expected="AAAA",
                    found=get["annee"],
                )
            year = int(get["annee"])
            numerator = _value(path, number, "numerateur", get["numerateur"])
            if numerator < 0:
                raise SourceError(
                    path,
                    "numérateur négatif",
                    line=number,
                    column="numerateur",
                    expected="≥ 0",
                    found=get["numerateur"],
                )
            denominator = None
            if get["denominateur"]:
                denominator = _value(path, number, "denominateur", get["denominateur"])
                if denominator <= 0:
                    raise SourceError(
                        path,
                        "dénominateur nul ou négatif",
                        line=number,
                        column="denominateur",
                        expected="> 0",
                        found=get["denominateur"],
                    )
            key = (get["indicateur"], code, year)
            if key in seen:
                raise SourceError(
                    path,
                    f"valeur en double (déjà donnée ligne {seen[key]})",
                    line=number,
                    column="code_insee",
                    found=f"{key[0]} / {code} / {year}",
                )
            seen[key] = number
            yield IndicatorValue(key[0], code, year, numerator, denominator, number)
        if not seen:
            raise lines.no_data(";".join(INDICATOR_COLUMNS))


def _value(path: Path, number: int, column: str, text: str) -> float:
    try:
        return parse_number(text)
    except ValueError as error:
        raise SourceError(
            path,
            "nombre invalide",
            line=number,
            column=column,
            expected="un nombre (virgule ou point décimal)",
            found=text,
        ) from error


# --------------------------------------------------------------------------- DREES APL


@dataclass(frozen=True, slots=True)
class AplValue:
    """APL of one commune for one year (``apl`` is ``None`` when the cell is empty / NA)."""

    annee: int
    code_insee: str
    apl: float | None
    feuille: str
    ligne: int


_COMMUNE_HEADERS = ("code commune insee", "code commune", "code insee", "codgeo", "depcom", "com")
_YEAR = re.compile(r"(?<!\d)(20\d{2}|19\d{2})(?!\d)")


def iter_apl_values(
    path: str | Path,
    *,
    apl_column: str | None = None,
    header_search_rows: int = 30,
    limits: ArchiveLimits | None = None,
) -> Iterator[AplValue]:
    """Yield the commune APL values of a DREES workbook, sheet by sheet.

    Assumed layout (the real file could not be checked offline): one sheet per year, the
    year written in the sheet name (``"2022"``, ``"APL 2022"``) or, failing that, in the
    APL column header; a few title rows, then a header row that holds a commune code column
    (``Code commune INSEE``, ``Code commune``, ``CODGEO``, ``DEPCOM``…) and an APL column
    (first header starting with ``APL``, or the first one containing ``apl_column``).
    Sheets without such a header (notes, sources) are skipped. Numeric commune codes lose
    their leading zero in Excel and are padded back to 5 digits.

    Parameters
    ----------
    path : str or Path
        The ``.xlsx`` file.
    apl_column : str, optional
        Text the APL header must contain (case and accents ignored), to choose among several
        APL columns (for example ``"65 ans"``).
    header_search_rows : int
        Rows searched for the header at the top of each sheet.
    limits : ArchiveLimits, optional
        How far the workbook (a zip) may expand (default: :class:`ArchiveLimits`).

    Raises
    ------
    SourceError
        Unreadable workbook, a workbook expanding beyond ``limits`` (refused before reading
        when declared, stopped while reading otherwise), no sheet with a recognisable
        header, no year for a sheet, a malformed commune code or APL value (naming the sheet
        and the row), a negative APL.
    """
    path = Path(path)
    if not path.exists():
        raise SourceError(path, "fichier introuvable")
    workbook = open_workbook(path, limits or ArchiveLimits())
    wanted = normalise_header(apl_column) if apl_column else None
    found_any = False
    try:
        for sheet in workbook.worksheets:
            rows = sheet.iter_rows(values_only=True)
            located = None
            for row_number, row in enumerate(rows, start=1):
                if row_number > header_search_rows:
                    break
                located = _apl_header(row, wanted)
                if located:
                    break
            if not located:
                continue
            found_any = True
            code_at, apl_at, apl_header = located
            year = _year(sheet.title) or _year(apl_header)
            if year is None:
                raise SourceError(
                    f"{path} [{sheet.title}]",
                    "année introuvable",
                    line=row_number,
                    expected="une année dans le nom de la feuille ou l'en-tête APL",
                    found=sheet.title,
                )
            where = f"{path} [{sheet.title}]"
            for number, row in enumerate(rows, start=row_number + 1):
                if row is None or all(cell in (None, "") for cell in row):
                    continue
                code = _commune_code(row[code_at] if code_at < len(row) else None)
                if code is None:
                    continue  # totals and notes below the table have no commune code
                if not COMMUNE_CODE.match(code):
                    raise SourceError(
                        where,
                        "code INSEE de commune invalide",
                        line=number,
                        column="code commune",
                        found=code,
                    )
                yield AplValue(
                    year,
                    code,
                    _apl(where, number, apl_header, row[apl_at] if apl_at < len(row) else None),
                    sheet.title,
                    number,
                )
    finally:
        workbook.close()
    if not found_any:
        raise SourceError(path, "aucune feuille avec un en-tête « code commune » et « APL »")


def _apl_header(row: tuple, wanted: str | None) -> tuple[int, int, str] | None:
    names = [normalise_header(str(cell)) if cell is not None else "" for cell in row]
    code_at = next(
        (i for header in _COMMUNE_HEADERS for i, name in enumerate(names) if name == header),
        None,
    )
    if code_at is None:
        return None
    for position, name in enumerate(names):
        if wanted is None and (name.startswith("apl") or "accessibilite potentielle" in name):
            return code_at, position, str(row[position])
        if wanted is not None and wanted in name and ("apl" in name or "accessibilite" in name):
            return code_at, position, str(row[position])
    return None


def _year(text: str) -> int | None:
    match = _YEAR.search(text or "")
    return int(match.group(1)) if match else None


def _commune_code(cell: object) -> str | None:
    if cell is None:
        return None
    if isinstance(cell, bool):
        return str(cell)
    if isinstance(cell, int | float):
        return f"{int(cell):05d}" if float(cell).is_integer() else str(cell)
    text = str(cell).strip().upper()
    if not text:
        return None
    return text.zfill(5) if text.isdigit() and len(text) == 4 else text


def _apl(where: str, number: int, header: str, cell: object) -> float | None:
    if cell is None or (isinstance(cell, str) and cell.strip().upper() in MISSING):
        return None
    try:
        value = float(cell) if isinstance(cell, int | float) else parse_number(str(cell))
    except ValueError as error:
        raise SourceError(
            where,
            "valeur APL invalide",
            line=number,
            column=header,
            expected="un nombre",
            found=str(cell),
        ) from error
    if value < 0:
        raise SourceError(where, "valeur APL négative", line=number, column=header, found=str(cell))
    return value


# --------------------------------------------------------------------------- data.ameli


@dataclass(frozen=True, slots=True)
class AmeliDemography:
    """One row of ``demographie-effectifs-et-les-densites`` (département level).

    ``effectif`` and ``densite`` are ``None`` for ``NS`` (statistical secrecy) or ``NC``.
    """

    annee: int
    profession_sante: str
    region: str
    departement: str
    libelle_departement: str
    classe_age: str
    libelle_classe_age: str
    libelle_sexe: str
    effectif: int | None
    densite: float | None
    line: int = field(default=0, compare=False)


AMELI_COLUMNS = (
    "annee",
    "profession_sante",
    "region",
    "libelle_region",
    "departement",
    "libelle_departement",
    "classe_age",
    "libelle_classe_age",
    "libelle_sexe",
    "effectif",
    "densite",
)
_ALL_DEPARTEMENTS = {"france", "tout departement", "tous departements"}


def iter_ameli_demography(
    path: str | Path, *, rows: Literal["detail", "totals"] = "detail"
) -> Iterator[AmeliDemography]:
    """Yield the département rows of a data.ameli demography CSV export.

    Rows for all of France (``libelle_departement`` ``FRANCE`` / ``Tout département``,
    ``departement`` ``999``) and for "Ensemble…" professions are always dropped.

    Parameters
    ----------
    path : str or Path
        CSV export, ``;`` or ``,`` separated (detected on the header), UTF-8.
    rows : {"detail", "totals"}
        ``"detail"`` (default) drops the aggregate rows ``tout sexe`` and ``Tout âge`` too,
        as data-sources.md 1.5 advises, leaving one row per sex and age band.
        ``"totals"`` keeps only the ``tout sexe`` × ``Tout âge`` rows: use it for
        densities, which cannot be summed over sexes or age bands.

    Raises
    ------
    SourceError
        Missing column, wrong number of fields, a bad year, or a number that is neither
        valid nor ``NS`` / ``NC`` (naming the line and the column).
    """
    path = Path(path)
    with open_lines(path, SPREADSHEET) as lines:
        separator, index = _header(lines, AMELI_COLUMNS, ";,")
        records = 0
        for number, raw_fields in csv_records(lines, separator):
            records += 1
            fields = [value.strip() for value in raw_fields]
            if len(fields) != len(index):
                raise SourceError(
                    path,
                    "nombre de champs incorrect",
                    line=number,
                    expected=f"{len(index)} champs",
                    found=separator.join(fields),
                )
            get = {name: fields[index[name]] for name in AMELI_COLUMNS}
            departement_label = normalise_header(get["libelle_departement"])
            if (
                departement_label in _ALL_DEPARTEMENTS
                or get["departement"] in {"999", ""}
                or normalise_header(get["profession_sante"]).startswith("ensemble")
            ):
                continue
            is_total = (
                normalise_header(get["libelle_sexe"]) == "tout sexe"
                and normalise_header(get["libelle_classe_age"]) == "tout age"
            )
            is_aggregate = (
                normalise_header(get["libelle_sexe"]) == "tout sexe"
                or normalise_header(get["libelle_classe_age"]) == "tout age"
            )
            if (rows == "detail" and is_aggregate) or (rows == "totals" and not is_total):
                continue
            if not re.fullmatch(r"\d{4}", get["annee"]):
                raise SourceError(
                    path,
                    "année invalide",
                    line=number,
                    column="annee",
                    expected="AAAA",
                    found=get["annee"],
                )
            headcount = _optional(path, number, "effectif", get["effectif"])
            if headcount is not None and not headcount.is_integer():
                raise SourceError(
                    path,
                    "effectif non entier",
                    line=number,
                    column="effectif",
                    found=get["effectif"],
                )
            yield AmeliDemography(
                annee=int(get["annee"]),
                profession_sante=get["profession_sante"],
                region=get["region"],
                departement=get["departement"],
                libelle_departement=get["libelle_departement"],
                classe_age=get["classe_age"],
                libelle_classe_age=get["libelle_classe_age"],
                libelle_sexe=get["libelle_sexe"],
                effectif=None if headcount is None else int(headcount),
                densite=_optional(path, number, "densite", get["densite"]),
                line=number,
            )
        if not records:
            raise lines.no_data(",".join(AMELI_COLUMNS))


def _optional(path: Path, number: int, column: str, text: str) -> float | None:
    if text.strip().upper() in MISSING:
        return None
    value = _value(path, number, column, text)
    if value < 0:
        raise SourceError(path, "valeur négative", line=number, column=column, found=text)
    return value
