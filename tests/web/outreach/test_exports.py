"""The right-of-access export (CSV): a comment « @SUM(1+9)*cmd|' /C calc'!A0 » and the other
formula payloads (issue 11 item 6) reach the file as inert text; dates are dates and amounts
numbers in a French spreadsheet; the JSON keeps the data as entered."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.urls import reverse

from maillage.web.accounts.roles import Role
from maillage.web.outreach import services
from maillage.web.outreach.models import Contact
from tests.web.exports import spreadsheet as sheet
from tests.web.outreach.factories import make_user, professional

pytestmark = pytest.mark.django_db
GDPR_PAYLOAD = "@SUM(1+9)*cmd|' /C calc'!A0"


@pytest.fixture
def hostile(client, demo_territory):
    client.force_login(make_user(Role.AGENT_CPAM))
    p = professional(nom=sheet.PAYLOADS[0])
    for i, payload in enumerate(sheet.PAYLOADS):
        Contact.objects.create(
            professional=p,
            departement_id="00",
            canal="visite",
            date=dt.date(2025, 6, 1 + i),
            equipe="DAM",
            sujet=payload,
            commentaire=payload,
        )
    services.create_contract(p, "00", "caim", dt.date(2024, 3, 1), {"jours": 4})
    return p


def _export(client, p, fmt):
    return client.get(reverse("outreach:professional_export", args=[p.identifiant_national, fmt]))


def test_csv_payloads_inert_dates_and_amounts_typed(client, hostile):
    assert GDPR_PAYLOAD in sheet.PAYLOADS
    response = _export(client, hostile, "csv")
    assert response["Content-Disposition"] == (
        f'attachment; filename="accompagnement-{hostile.identifiant_national}.csv"'
    )
    rows = sheet.read_csv(response.content)  # raises on any live formula
    header, body = sheet.table_after(rows, "Section")
    assert header == ["Section", "Champ", "Valeur", "Ligne"]
    values = {}
    for section, field, value, line in body:
        values.setdefault((section.original, field.original), []).append(value)
        assert isinstance(line, Decimal)
    assert values[("professionnel", "nom")] == [sheet.Text("'" + sheet.PAYLOADS[0])]
    assert [v.original for v in values[("contacts", "commentaire")]] == list(sheet.PAYLOADS)
    assert values[("contacts", "date")][0] == dt.date(2025, 6, 1)
    assert all(isinstance(v, Decimal) for v in values[("contrats", "montant_total")])
    assert isinstance(values[("contrats", "date_signature")][0], dt.date)
    assert values[("professionnel", "rpps")] == [
        Decimal(hostile.identifiant_national)
    ]  # digits read as a number by a spreadsheet, as any code would


def test_xlsx_keeps_identifiers_as_text_and_payloads_inert(client, hostile):
    response = _export(client, hostile, "xlsx")
    sheets = sheet.read_xlsx(response.content)  # fails on any formula
    inert = sheet.payload_cells(sheets)
    assert len(inert) >= 2 * len(sheet.PAYLOADS) + 1  # subjects, comments, the name
    for cell in inert:
        sheet.assert_text_inert(cell)
    rows = next(iter(sheets.values()))
    rpps = next(r[2] for r in rows if r[1].value == "rpps")
    assert rpps.data_type == "s" and rpps.value == hostile.identifiant_national
    dates = [r[2] for r in rows if r[1].value == "date"]
    assert dates and all(c.data_type == "d" for c in dates)


def test_json_keeps_the_data_as_entered(client, hostile):
    response = _export(client, hostile, "json")
    assert response["Content-Type"] == "application/json"
    data = json.loads(response.content)
    assert [c["commentaire"] for c in data["contacts"]] == list(sheet.PAYLOADS)
