"""Key figures XLSX / PDF / JSON: numbers are numeric cells, a département name made of a
formula payload (issue 11 item 6) stays inert, safe file names."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from maillage.web.accounts.roles import Role
from maillage.web.outreach import services as outreach
from maillage.web.outreach.models import Contact, Payment
from maillage.web.reporting import exports
from maillage.web.reporting.services import key_figures
from maillage.web.territories.models import Departement
from tests.web.exports import spreadsheet as sheet
from tests.web.outreach.factories import make_user, professional

pytestmark = pytest.mark.django_db
Y = 2025


@pytest.fixture
def hostile(client, demo_territory):
    Departement.objects.filter(code="00").update(nom=sheet.PAYLOADS[0])
    gp = professional("medecin_generaliste", "00001")
    nurse = professional("infirmier", "00002")
    for p, day in ((gp, 3), (gp, 4), (nurse, 5)):
        Contact.objects.create(
            professional=p, departement_id="00", canal="visite", date=dt.date(Y, 2, day),
            equipe="DAM", sujet="s",
        )  # fmt: skip
    caim = outreach.create_contract(gp, "00", "caim", dt.date(Y, 3, 1), {"jours": 4})
    Payment.objects.create(contrat=caim, date=dt.date(Y, 3, 20), montant=Decimal("25000.50"))
    client.force_login(make_user(Role.AGENT_CPAM))


def test_xlsx_is_typed_and_inert(client, hostile):
    response = client.get(reverse("reporting:export", args=["00", Y, "xlsx"]))
    assert response["Content-Disposition"] == f'attachment; filename="chiffres-cles-00-{Y}.xlsx"'
    sheets = sheet.read_xlsx(response.content)  # fails on any formula
    assert list(sheets) == ["Accompagnement", "Contrats", "Exercice coordonné", "Offre de soins"]
    inert = sheet.payload_cells(sheets)
    assert inert and all(c.value.startswith(sheet.PAYLOADS[0]) for c in inert)
    for cell in inert:
        sheet.assert_text_inert(cell)
    values = {r[0].value: r[1] for r in sheets["Accompagnement"][1:]}
    assert values["Accompagnements (hors webinaires)"].value == 3
    share = values["Part des médecins généralistes (%)"]
    assert share.data_type == "n" and share.value == pytest.approx(66.7)
    assert share.number_format == "#,##0.0"
    paid = values["Versements de l'année (€)"]
    assert paid.value == 25000.5 and paid.number_format == '#,##0.00 "€"'
    contracts = sheets["Contrats"]
    assert contracts[1][1].data_type == "n" and contracts[1][2].number_format == '#,##0.00 "€"'
    for row in sheets["Offre de soins"]:
        for cell in row[1:]:
            assert cell.data_type in ("n", "s") and (cell.data_type == "n" or cell.row <= 4)


def test_pdf_and_json(client, hostile):
    pdf = client.get(reverse("reporting:export", args=["00", Y, "pdf"]))
    assert pdf.content.startswith(b"%PDF") and pdf["Content-Type"] == "application/pdf"
    html = exports.as_html(key_figures("00", Y))
    assert "66,7 %" in html
    data = client.get(reverse("reporting:export", args=["00", Y, "json"]))
    assert data.json()["departement"]["nom"] == sheet.PAYLOADS[0]
