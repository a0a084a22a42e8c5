"""Diagnosis CSV / XLSX: French spreadsheet formats, precision per unit, inert payloads.

Formula payloads (issue 11 item 6) reach the files through the data: the CPTS name (the
territory's label), an establishment's name, an indicator's label and source.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from click.testing import CliRunner

from maillage.engine import formatting
from maillage.engine.indicators import SECRET_LABEL
from maillage.web.supply.models import Structure
from tests.web.exports import spreadsheet as sheet

from . import factories

pytestmark = pytest.mark.django_db
HYPERLINK, GDPR_PAYLOAD = sheet.PAYLOADS[0], sheet.PAYLOADS[1]


@pytest.fixture
def hostile(var_referential):
    factories.professionals_in("83137", 30, annee_naissance=1980)
    factories.professionals_in("83137", 3, categorie="sage_femme")
    factories.establishment("hopital", "83137", 5.93, 43.12, nom=sheet.PAYLOADS[2])
    factories.indicator(
        "test_ald",
        {"83137": (30000, 180000), "83069": (3000, 20000)},
        libelle=GDPR_PAYLOAD,
        source=sheet.PAYLOADS[3],
    )
    return factories.structure("CPTS", HYPERLINK, ["83137", "83069", "83129"])


def test_csv_opens_in_a_french_spreadsheet_with_inert_payloads(client, hostile):
    response = client.get("/diagnostic/export.csv", {"cpts": hostile.pk})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="diagnostic.csv"'
    rows = sheet.read_csv(response.content)  # raises on any live formula
    assert rows[0][:2] == [sheet.Text("Territoire"), sheet.Text("'" + HYPERLINK)]
    summary = {sheet.plain(r[0]): r[1] for r in rows[:11]}
    assert isinstance(summary["Date"], dt.date)  # 25/11/2026, never ISO
    assert isinstance(summary["Population"], Decimal)
    header, body = sheet.table_after(rows, "Bloc")
    col = {name: i for i, name in enumerate(header)}
    units_seen = set()
    for row in body:
        unit = sheet.plain(row[col["Unité"]])
        units_seen.add(unit)
        decimals = formatting.decimals_for_unit(unit)
        for name in ("Valeur", "Département", "Région", "France"):
            value = row[col[name]]
            if isinstance(value, sheet.Text):
                assert value.shown == SECRET_LABEL  # the only text a figure column holds
            elif value is not None:
                assert isinstance(value, Decimal)
                assert -value.as_tuple().exponent <= decimals, (row, name)
    assert {"habitants", "%", "professionnels", "pour 100 000 hab."} <= units_seen
    ald = next(r for r in body if sheet.plain(r[col["Code"]]) == "test_ald")
    assert ald[col["Indicateur"]].shown == "'" + GDPR_PAYLOAD
    assert ald[col["Source"]].shown == "'" + sheet.PAYLOADS[3]
    assert ald[col["Valeur"]] == Decimal("16.5")  # 33 000 / 200 000, one decimal for « % »


def test_xlsx_numbers_are_numeric_and_payloads_inert(client, hostile):
    response = client.get("/diagnostic/export.xlsx", {"cpts": hostile.pk})
    assert response["Content-Disposition"] == 'attachment; filename="diagnostic.xlsx"'
    sheets = sheet.read_xlsx(response.content)  # fails on any formula
    inert = sheet.payload_cells(sheets)
    assert {c.value for c in inert} >= {
        HYPERLINK,
        GDPR_PAYLOAD,
        sheet.PAYLOADS[2],
        sheet.PAYLOADS[3],
    }
    for cell in inert:
        sheet.assert_text_inert(cell)
    summary = {r[0].value: r[1] for r in sheets["Territoire"][1:]}
    assert summary["Date"].data_type == "d" and summary["Date"].number_format == "DD/MM/YYYY"
    assert summary["Population"].data_type == "n"
    for title in ("Population", "Âges", "Offre de soins", "Indicateurs de santé"):
        for row in sheets[title][1:]:
            for cell in (row[2], *row[7:10]):
                assert cell.data_type == "n" or cell.value in (SECRET_LABEL, None)
    distance = sheets["Établissements"][1][5]
    assert distance.data_type == "n" and distance.number_format == "#,##0.0"


def test_cli_writes_the_same_files(hostile, tmp_path):
    from maillage.cli import main

    out = tmp_path / "d.csv"
    cpts = Structure.objects.get(pk=hostile.pk).identifiant
    result = CliRunner().invoke(
        main, ["diagnostic", "--cpts", cpts, "--format", "csv", "--output", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert sheet.read_csv(out.read_bytes())[0][1] == sheet.Text("'" + HYPERLINK)
    out = tmp_path / "d.xlsx"
    CliRunner().invoke(
        main, ["diagnostic", "--cpts", cpts, "--format", "xlsx", "--output", str(out)]
    )
    for cell in sheet.payload_cells(sheet.read_xlsx(out.read_bytes())):
        sheet.assert_text_inert(cell)


def test_page_and_pdf_use_the_same_precision(client, hostile):
    from maillage.web.diagnostics import views

    html = client.get("/diagnostic/territoire/", {"cpts": hostile.pk}).content.decode()
    assert "16,5" in html and "16,50" not in html  # the ALD share, as in the CSV
    pdf_html = views.pdf_html(["83137", "83069", "83129"])
    assert "16,5" in pdf_html
    today = dt.date.today()
    assert f"établi le {today:%d/%m/%Y}" in pdf_html and today.isoformat() not in pdf_html
