"""What a cell of an export holds: typed columns, formula neutralisation, value → cell.

Every CSV and XLSX export of the site describes its table with :class:`Column` and hands plain
Python values to the writers; this module decides, once for all exports, what becomes a number,
a date or text, at which precision, and how text that a spreadsheet would run as a formula is
neutralised (OWASP « CSV injection »).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone

from maillage.engine import formatting

TEXT = "text"
INTEGER = "integer"
NUMBER = "number"
MONEY = "money"
DATE = "date"
DATETIME = "datetime"
KINDS = (TEXT, INTEGER, NUMBER, MONEY, DATE, DATETIME)

# A spreadsheet evaluates a cell whose text starts with one of these (OWASP: = + - @, tab,
# carriage return; line feed and the full-width forms, which some spreadsheets fold to the
# ASCII ones, are added for safety).
FORMULA_TRIGGERS = frozenset("=+-@\t\r\n\uff1d\uff0b\uff0d\uff20")
CONTROL_TRIGGERS = frozenset("\t\r\n")


@dataclass(frozen=True)
class Column:
    """One column of an exported table.

    ``kind`` says what its numbers mean: ``integer`` (0 decimals), ``number`` (``decimals``,
    or as computed when None), ``money`` (2 decimals, « € » format in XLSX), ``date``,
    ``datetime``; ``text`` columns keep numbers they receive as numbers (never as text).
    """

    title: str
    kind: str = TEXT
    decimals: int | None = None
    width: int | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"type de colonne inconnu : {self.kind}")


@dataclass(frozen=True)
class Figure:
    """A value that carries its own precision (a diagnosis row, whose unit sets its decimals).

    ``value`` may also be a marker such as « secret statistique »: it is then written as text.
    """

    value: Any
    decimals: int | None = None
    money: bool = False


@dataclass
class Table:
    """One table: a CSV file, or one sheet of a workbook.

    ``preamble``: (label, value) lines written above the header (territory, date, contract…).
    """

    title: str
    columns: list[Column]
    rows: list[list[Any]] = field(default_factory=list)
    preamble: list[tuple[str, Any]] = field(default_factory=list)

    def add(self, *cells: Any) -> None:
        if len(cells) != len(self.columns):
            raise ValueError(
                f"{self.title} : {len(cells)} valeurs pour {len(self.columns)} colonnes"
            )
        self.rows.append(list(cells))


@dataclass(frozen=True)
class Cell:
    """A value resolved to what the writers output: ``kind`` is one of text, number, date,
    datetime or empty; ``decimals`` and ``money`` only matter for numbers."""

    kind: str
    value: Any = None
    decimals: int | None = None
    money: bool = False

    @property
    def risky(self) -> bool:
        return self.kind == TEXT and is_formula_like(self.value)


EMPTY = Cell("empty")


def is_formula_like(text: str) -> bool:
    """True when a spreadsheet could run ``text`` as a formula or a command."""
    if not text:
        return False
    if text[0] in CONTROL_TRIGGERS:
        return True
    stripped = text.lstrip(" \u00a0\u202f\u3000")
    return bool(stripped) and stripped[0] in FORMULA_TRIGGERS


def neutralise(text: str) -> str:
    """OWASP: a leading apostrophe makes a spreadsheet read formula-like text as text."""
    return "'" + text if is_formula_like(text) else text


def _local(moment: dt.datetime) -> dt.datetime:
    """Spreadsheets have no time zones: aware values are written in the site's local time."""
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return moment.replace(tzinfo=None)


def _number(value: Any, decimals: int | None, money: bool) -> Cell:
    if decimals is not None:
        value = formatting.rounded(value, decimals)
    if value == 0:
        value = abs(value)  # -0.04 rounded to one decimal reads 0,0, not -0,0
    return Cell(NUMBER, value, decimals, money)


def resolve(value: Any, column: Column) -> Cell:
    """The cell written for ``value`` in ``column``: numbers stay numbers (rounded to the
    column's precision), dates become dates, everything else is text."""
    if isinstance(value, Figure):
        if formatting.is_number(value.value):
            decimals = 2 if value.money and value.decimals is None else value.decimals
            return _number(value.value, decimals, value.money)
        value = value.value
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return Cell(TEXT, "oui" if value else "non")
    if isinstance(value, int | float | Decimal):
        if not formatting.is_number(value):
            return EMPTY  # NaN or infinity: no figure to show
        if column.kind == INTEGER:
            return _number(value, 0, False)
        if column.kind == MONEY:
            return _number(value, 2, True)
        return _number(value, column.decimals if column.kind == NUMBER else None, False)
    if isinstance(value, dt.datetime):
        return Cell(DATETIME, _local(value))
    if isinstance(value, dt.date):
        return Cell(DATE, value)
    if column.kind in (DATE, DATETIME) and isinstance(value, str):
        day = formatting.as_date(value)
        if day is not None and len(value) == 10:
            return Cell(DATE, day)
    return Cell(TEXT, str(value))


def csv_text(cell: Cell) -> str:
    """The text of ``cell`` in a CSV read by a French spreadsheet: decimal comma, no thousands
    separator (it would turn the number into text), dates dd/mm/yyyy, formulas neutralised."""
    if cell.kind == "empty":
        return ""
    if cell.kind == NUMBER:
        value = cell.value
        if isinstance(value, int) and not cell.decimals:
            return str(value)
        exact = Decimal(value) if isinstance(value, int) else value
        if isinstance(exact, float):
            exact = Decimal(repr(exact))
        text = f"{exact:.{cell.decimals}f}" if cell.decimals is not None else f"{exact:f}"
        return text.replace(".", ",")
    if cell.kind == DATE:
        return formatting.date(cell.value)
    if cell.kind == DATETIME:
        return formatting.datetime(cell.value, seconds=True)
    return neutralise(cell.value)
