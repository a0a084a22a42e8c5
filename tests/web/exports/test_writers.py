"""The CSV and XLSX writers: French spreadsheet conventions, typed cells, inert payloads."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from maillage.engine import formatting
from maillage.web.exports import (
    DATE,
    DATETIME,
    MONEY,
    NUMBER,
    Column,
    Table,
    csv_bytes,
    pdf_bytes,
    xlsx_bytes,
)

from .spreadsheet import PAYLOADS, Text, assert_text_inert, payload_cells, read_csv, read_xlsx

COLUMNS = [
    Column("Nom"),
    Column("Valeur", NUMBER, 1),
    Column("Montant", MONEY),
    Column("Date", DATE),
    Column("Moment", DATETIME),
]


def sample() -> Table:
    table = Table(
        "Essai", COLUMNS, preamble=[("Territoire", PAYLOADS[0]), ("Le", dt.date(2026, 11, 25))]
    )
    table.add(
        "Toulon", 30.7983902793923, Decimal("1234.5"), "2026-11-25", dt.datetime(2026, 1, 2, 3, 4)
    )
    for payload in PAYLOADS:
        table.add(payload, -2.25, -50, dt.date(2026, 1, 31), None)
    return table


def test_csv_reads_back_in_a_french_spreadsheet():
    data = csv_bytes(sample())
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
    rows = read_csv(data)  # raises on any cell a spreadsheet would evaluate
    assert rows[0][1] == Text("'" + PAYLOADS[0]) and rows[1][1] == dt.date(2026, 11, 25)
    header = rows[3]
    assert [h.shown for h in header] == ["Nom", "Valeur", "Montant", "Date", "Moment"]
    first = rows[4]
    assert first[1:] == [
        Decimal("30.8"),
        Decimal("1234.50"),
        dt.date(2026, 11, 25),
        dt.datetime(2026, 1, 2, 3, 4),
    ]
    for row, payload in zip(rows[5:], PAYLOADS, strict=True):
        assert row[0].original == payload  # the data is kept, only made inert
        assert row[1] == Decimal("-2.2") or row[1] == Decimal("-2.3")
        assert row[2] == Decimal("-50.00")


def test_xlsx_cells_are_typed_and_payloads_inert():
    data = xlsx_bytes([sample(), sample()])
    sheets = read_xlsx(data)  # fails on any formula
    assert list(sheets) == ["Essai", "Essai (2)"]
    rows = sheets["Essai"]
    header_row = 3  # two preamble lines, a blank line
    first = rows[header_row + 1]
    assert (
        first[1].data_type == "n" and first[1].value == 30.8 and first[1].number_format == "#,##0.0"
    )
    assert first[2].data_type == "n" and first[2].number_format == '#,##0.00 "€"'
    assert first[3].data_type == "d" and first[3].number_format == "DD/MM/YYYY"
    assert first[4].data_type == "d" and first[4].value == dt.datetime(2026, 1, 2, 3, 4)
    inert = payload_cells(sheets)
    assert len(inert) == 2 * (len(PAYLOADS) + 1)  # every payload row and the preamble, twice
    for cell in inert:
        assert_text_inert(cell)
        assert cell.value in [p.replace("\r", "\n") for p in PAYLOADS]  # stored, not altered
    workbook = load_workbook(io.BytesIO(data))
    assert workbook["Essai"].freeze_panes == "A5"


def test_xlsx_survives_control_characters_and_long_text():
    table = Table("Feuille/1:[x]", [Column("Texte")])
    table.add("nom\x01avec\x1fcontrôle")
    table.add("x" * 40_000)
    sheets = read_xlsx(xlsx_bytes([table]))
    (title,) = sheets
    assert title == "Feuille-1--x-"
    assert sheets[title][1][0].value == "nomaveccontrôle"
    assert len(sheets[title][2][0].value) == 32_767


def test_row_length_is_checked():
    table = Table("T", [Column("a"), Column("b")])
    try:
        table.add("seul")
    except ValueError as error:
        assert "1 valeurs pour 2 colonnes" in str(error)
    else:
        raise AssertionError("ligne trop courte acceptée")


def test_pdf_bytes():
    assert pdf_bytes("<html><body><p>Relevé</p></body></html>").startswith(b"%PDF")


cells = st.one_of(
    st.none(),
    st.text(max_size=20),
    st.integers(-(10**9), 10**9),
    st.floats(-1e9, 1e9, allow_nan=False),
    st.dates(dt.date(1900, 3, 1), dt.date(2100, 1, 1)),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(cells, cells), max_size=8))
def test_any_table_reads_back_as_written(rows):
    columns = [Column("a", NUMBER, 2), Column("b")]
    table = Table("T", columns)
    for a, b in rows:
        table.add(a, b)
    back = read_csv(csv_bytes(table))[1:]
    assert len(back) == len(rows)
    for (a, b), (ra, rb) in zip(rows, back, strict=True):
        for value, read, decimals in ((a, ra, 2), (b, rb, None)):
            if value is None or value == "":
                assert read is None
            elif isinstance(value, dt.date):
                assert read == value
            elif isinstance(value, int | float):
                expected = formatting.rounded(value, decimals) if decimals is not None else value
                assert read == Decimal(repr(expected)) or float(read) == float(expected)
            else:
                assert isinstance(read, Text | Decimal | dt.date)
                if isinstance(read, Text):
                    assert read.original == value or read.original == value.replace("\r\n", "\n")
