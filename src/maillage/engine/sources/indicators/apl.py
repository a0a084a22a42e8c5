"""The DREES « accessibilité potentielle localisée » workbook (xlsx, one sheet per year).

The real layout could not be checked here; the assumptions are documented on
:func:`iter_apl_values` and in ``docs/sources-offre.md``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..archives import ArchiveLimits, open_workbook
from ..errors import SourceError
from ..numbers import parse_number
from ..text import normalise_header
from .common import COMMUNE_CODE, MISSING

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
