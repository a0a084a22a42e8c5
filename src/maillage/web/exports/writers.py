"""CSV for French spreadsheets, XLSX with typed cells, PDF from HTML: every export's bytes.

- CSV: UTF-8 with BOM (Excel otherwise reads it as Windows-1252), « ; » separator, CRLF line
  ends, decimal comma, no thousands separator, dates dd/mm/yyyy, formula-like text prefixed with
  an apostrophe.
- XLSX: numbers and dates are numeric cells with a French-reading number format; text cells
  are forced to text (openpyxl would store « =… » as a formula) and formula-like text gets
  Excel's own « quote prefix », so it stays text even when edited, without altering the data.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from .cells import DATE, DATETIME, NUMBER, TEXT, Cell, Column, Table, csv_text, resolve

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSX_MAX_TEXT = 32_767  # Excel's limit for one cell
SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_TEXT_COLUMN = Column("")  # labels, titles and preamble values


def csv_bytes(table: Table) -> bytes:
    """The table as a CSV file that a French spreadsheet opens with numbers as numbers."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    for label, value in table.preamble:
        writer.writerow([csv_text(resolve(label, _TEXT_COLUMN)), csv_text(_preamble(value))])
    if table.preamble:
        writer.writerow([])
    writer.writerow([csv_text(resolve(c.title, _TEXT_COLUMN)) for c in table.columns])
    for row in table.rows:
        writer.writerow([csv_text(resolve(v, c)) for v, c in zip(row, table.columns, strict=True)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def xlsx_bytes(tables: Sequence[Table]) -> bytes:
    """One sheet per table, header in bold and frozen, typed cells, readable column widths."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    workbook.remove(workbook.active)
    used: set[str] = set()
    for table in tables:
        sheet = workbook.create_sheet(_sheet_title(table.title, used))
        widths: dict[int, int] = {}
        row = 1
        for label, value in table.preamble:
            _put(sheet, row, 1, resolve(label, _TEXT_COLUMN), widths).font = Font(bold=True)
            _put(sheet, row, 2, _preamble(value), widths)
            row += 1
        if table.preamble:
            row += 1
        header_row = row
        for col, column in enumerate(table.columns, start=1):
            _put(sheet, row, col, resolve(column.title, _TEXT_COLUMN), widths).font = Font(
                bold=True
            )
        for values in table.rows:
            row += 1
            for col, (value, column) in enumerate(zip(values, table.columns, strict=True), 1):
                _put(sheet, row, col, resolve(value, column), widths)
        sheet.freeze_panes = sheet.cell(header_row + 1, 1)
        for col, column in enumerate(table.columns, start=1):
            letter = sheet.cell(header_row, col).column_letter
            sheet.column_dimensions[letter].width = column.width or min(
                60, max(8, widths.get(col, 8) + 2)
            )
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def pdf_bytes(html: str, stylesheets: Iterable[Path] = ()) -> bytes:
    """A PDF from the HTML of a print template (WeasyPrint; no network: assets are inline)."""
    from weasyprint import CSS, HTML

    return HTML(string=html).write_pdf(
        stylesheets=[CSS(filename=str(path)) for path in stylesheets]
    )


# ---------------------------------------------------------------------------------------------


def _preamble(value) -> Cell:
    return resolve(value, _TEXT_COLUMN)


def _sheet_title(title: str, used: set[str]) -> str:
    base = SHEET_TITLE_FORBIDDEN.sub("-", title).strip("'") or "Feuille"
    base = base[:31]
    candidate, n = base, 2
    while candidate.lower() in used:
        suffix = f" ({n})"
        candidate, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(candidate.lower())
    return candidate


def _number_format(cell: Cell) -> str:
    if cell.money:
        return '#,##0.00 "€"'
    if cell.decimals is None:
        return "General"
    return "#,##0" + ("." + "0" * cell.decimals if cell.decimals else "")


def _put(sheet, row: int, col: int, cell: Cell, widths: dict[int, int]):
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    target = sheet.cell(row, col)
    if cell.kind == NUMBER:
        target.value = cell.value
        target.number_format = _number_format(cell)
        shown = len(csv_text(cell)) + 2  # room for the thousands separators
    elif cell.kind == DATE:
        target.value = cell.value
        target.number_format = "DD/MM/YYYY"
        shown = 10
    elif cell.kind == DATETIME:
        target.value = cell.value
        target.number_format = "DD/MM/YYYY HH:MM:SS"
        shown = 19
    elif cell.kind == TEXT:
        text = ILLEGAL_CHARACTERS_RE.sub("", cell.value)[:XLSX_MAX_TEXT]
        target.value = text
        target.data_type = "s"  # never a formula, whatever the text starts with
        if cell.risky:
            target.quotePrefix = True
        shown = max((len(line) for line in text.splitlines()), default=0)
    else:
        shown = 0
    widths[col] = max(widths.get(col, 0), shown)
    return target
