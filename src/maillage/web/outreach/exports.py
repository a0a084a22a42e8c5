"""The right-of-access export of a professional as one CSV table (shared export module).

What the export contains is decided by ``services.professional_records``; this module only
writes it: one line per field (section, field, value, row number), dates as dates, amounts as
numbers, and any text a spreadsheet would run (a comment « @SUM(…) ») made inert.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal, InvalidOperation
from typing import Any

from maillage.web import exports
from maillage.web.exports import INTEGER, Column, Figure, Table

COLUMNS = [Column("Section"), Column("Champ"), Column("Valeur"), Column("Ligne", INTEGER)]


def _cell(field_name: str, value: Any) -> Any:
    """The records went through JSON: give dates and amounts back their type."""
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    if not isinstance(value, str):
        return value
    if field_name.startswith("montant"):
        try:
            return Figure(Decimal(value), money=True)
        except InvalidOperation:
            return value
    if len(value) == 10:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    if len(value) > 10 and value[10] == "T":
        try:
            return dt.datetime.fromisoformat(value)
        except ValueError:
            return value
    return value


def records_table(records: dict) -> Table:
    table = Table("Données d'accompagnement", COLUMNS)
    for field_name, value in records["professionnel"].items():
        table.add("professionnel", field_name, _cell(field_name, value), 1)
    for section, rows in records.items():
        if section == "professionnel":
            continue
        for index, row in enumerate(rows, start=1):
            if isinstance(row, dict):
                for field_name, value in row.items():
                    table.add(section, field_name, _cell(field_name, value), index)
            else:
                table.add(section, "valeur", _cell("valeur", row), index)
    return table


def records_csv(records: dict) -> bytes:
    return exports.csv_bytes(records_table(records))


def records_xlsx(records: dict) -> bytes:
    """The same table as a workbook: identifiers such as the RPPS number stay text there,
    where a CSV opened in a spreadsheet turns them into numbers."""
    return exports.xlsx_bytes([records_table(records)])
