"""A health professional opens « Mon dossier » from the navigation (phone width): their
contract, its payments and their installation pathway, readable and accessible."""

import datetime as dt

import pytest
from axe_playwright_python.sync_playwright import Axe

from maillage.web.accounts.models import User
from maillage.web.outreach import services
from maillage.web.outreach.models import Payment
from tests.web.outreach.factories import professional

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_professional_reads_their_own_file(page, live_server, demo_territory, screenshot):
    nurse = professional("infirmier", "00001", nom="LEROUX-FICTIF")
    services.create_installation(nurse, "00", dt.date(2025, 9, 1))
    contract = services.create_contract(
        nurse, "00", "infirmier", dt.date(2025, 3, 1), {"cle": "autre_installation"}
    )
    Payment.objects.create(contrat=contract, date=dt.date(2025, 3, 15), montant=5500)
    User.objects.filter(username="professionnel").update(rpps=nurse.identifiant_national)

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + "/comptes/connexion/")
    page.get_by_label("Identifiant").fill("professionnel")
    page.get_by_label("Mot de passe").fill("demo-maillage-2026")
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(live_server.url + "/")
    page.goto(live_server.url + "/accompagnement/mon-dossier/")
    assert page.get_by_role("heading", name="Mon dossier").is_visible()
    text = page.locator("main").inner_text()
    assert "LEROUX-FICTIF" in text and "Installation du 01/09/2025" in text
    assert "15/03/2025" in text and "5\u202f500,00 €" in text
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"défilement horizontal : {width} px"
    results = Axe().run(page)
    serious = [
        v["id"] for v in results.response["violations"] if v["impact"] in ("serious", "critical")
    ]
    assert serious == [], results.generate_report()
    screenshot("mon-dossier-390")
