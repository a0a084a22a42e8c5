"""Contract statement (CSV / XLSX / PDF) and change history (CSV): French formats, typed
cells, safe file names, and formula payloads made inert (issue 11 item 6): a payment
reference, a structure name and identifier, an indicator label in the history."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from urllib.parse import quote

import pytest
from django.urls import reverse

from maillage.web.accounts.models import User
from maillage.web.coordination import services
from maillage.web.coordination.models import Contract, Indicator, Payment
from tests.web.exports import spreadsheet as sheet

pytestmark = pytest.mark.django_db
IDENTIFIER = "CPTS « Côte d'Azur »"
COMPONENT_LENGTH = Payment._meta.get_field("composante").max_length


@pytest.fixture
def contract(client, coord_demo):
    from maillage.web.demo import create_demo_accounts

    create_demo_accounts()
    agent = User.objects.get(username="agent")
    client.force_login(agent)
    contract = Contract.objects.filter(kind="cpts").order_by("pk").first()
    structure = contract.dossier.structure
    structure.nom, structure.identifiant = sheet.PAYLOADS[2], IDENTIFIER
    structure.save()
    for i, payload in enumerate(sheet.PAYLOADS):
        Payment.objects.create(
            contrat=contract,
            date=dt.date(2024, 6, 1 + i),
            montant=Decimal("1234.56"),
            # The column holds 40 characters (PostgreSQL enforces it): longer payloads go in
            # the reference only.
            composante=payload if len(payload) <= COMPONENT_LENGTH else "",
            reference=payload,
            saisi_par=agent,
        )
    indicator = Indicator.objects.filter(mission__contrat=contract).first()
    indicator.libelle = sheet.PAYLOADS[1]
    indicator.save()  # recorded by the model history, with the payload in its label
    return contract


def _get(client, contract, fmt):
    return client.get(reverse("coordination:export", args=[contract.pk, fmt]), {"annee": 2024})


def test_statement_csv(client, contract):
    response = _get(client, contract, "csv")
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        "attachment; filename=\"releve-CPTS-Cote-d-Azur-2024.csv\"; filename*=UTF-8''"
        + quote("releve-CPTS « Côte d'Azur »-2024.csv", safe="")
    )
    rows = sheet.read_csv(response.content)  # raises on any live formula
    preamble = {sheet.plain(r[0]): r[1] for r in rows[:4]}
    assert preamble["Structure"] == sheet.Text("'" + sheet.PAYLOADS[2])
    assert preamble["Établi le"] == dt.date.today()
    header, body = sheet.table_after(rows, "Type")
    col = {name: i for i, name in enumerate(header)}
    due = [r for r in body if sheet.plain(r[0]) == "dû"]
    paid = [r for r in body if sheet.plain(r[0]) == "versé"]
    assert due and all(isinstance(r[col["Date"]], dt.date) for r in due + paid)
    for row in due:
        amount = row[col["Montant (€)"]]
        assert isinstance(amount, Decimal) or amount == sheet.Text("en attente")
    assert [
        sheet.plain(r[col["Détail ou référence"]]) for r in paid[-len(sheet.PAYLOADS) :]
    ] == list(sheet.PAYLOADS)
    assert all(r[col["Montant (€)"]] == Decimal("1234.56") for r in paid[-len(sheet.PAYLOADS) :])
    stmt = services.statement(contract, 2024)
    totals = {
        sheet.plain(r[0]): r[col["Montant (€)"]]
        for r in body
        if sheet.plain(r[0]).startswith(("total", "écart"))
    }
    assert totals["total versé"] == stmt["total_verse"]
    assert totals["écart dû − versé"] == stmt["ecart"]


def test_statement_xlsx(client, contract):
    response = _get(client, contract, "xlsx")
    sheets = sheet.read_xlsx(response.content)  # fails on any formula
    title, rules = sheets
    assert title == "Relevé 2024" and rules == "Règles appliquées"
    explained = services.statement(contract, 2024)["rapport"]["explications"]
    assert [r[2].value for r in sheets[rules][1:]] == [e["regle"] for e in explained]
    inert = sheet.payload_cells(sheets)
    # The reference of each, the component of those that fit, the structure's name.
    fitting = sum(len(p) <= COMPONENT_LENGTH for p in sheet.PAYLOADS)
    assert len(inert) >= len(sheet.PAYLOADS) + fitting + 1
    for cell in inert:
        sheet.assert_text_inert(cell)
    rows = sheets[title]
    header_index = next(i for i, r in enumerate(rows) if r[0].value == "Type")
    for row in rows[header_index + 1 :]:
        if row[0].value in ("dû", "versé"):
            assert row[1].data_type == "d" and row[1].number_format == "DD/MM/YYYY"
        amount = row[5]
        assert (amount.data_type == "n" and amount.number_format == '#,##0.00 "€"') or (
            amount.value == "en attente"
        )


def test_statement_pdf_and_page_show_french_dates_and_amounts(client, contract):
    from maillage.engine.formatting import NNBSP

    response = _get(client, contract, "pdf")
    assert response.content.startswith(b"%PDF")
    assert response["Content-Disposition"].startswith('attachment; filename="releve-CPTS-Cote')
    page = client.get(reverse("coordination:contrat", args=[contract.pk]), {"annee": 2024})
    table = page.content.decode().split('id="echeancier"')[1].split("</table>")[0]
    assert "2024-" not in table  # « Versements dus »: no ISO date
    assert f"1{NNBSP}234,56 €" in page.content.decode()


def test_history_csv(client, contract):
    response = client.get(reverse("coordination:audit_csv", args=[contract.pk]))
    assert response["Content-Disposition"] == (
        f'attachment; filename="historique-contrat-{contract.pk}.csv"'
    )
    rows = sheet.read_csv(response.content)
    header, body = sheet.table_after(rows, "Date")
    assert header == ["Date", "Utilisateur", "Action", "Objet", "Avant", "Après"]
    assert all(isinstance(r[0], dt.datetime) for r in body)
    # The new label is in the values after the change, as inert text.
    assert any(sheet.PAYLOADS[1] in sheet.plain(cell) for r in body for cell in r[3:])


def test_unknown_format_is_404(client, contract):
    assert _get(client, contract, "docx").status_code == 404
