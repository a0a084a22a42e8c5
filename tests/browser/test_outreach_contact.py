"""An agent records a visit with the keyboard-friendly form and sees the key figures change."""

import datetime as dt
import re

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.web.outreach.factories import professional

pytestmark = pytest.mark.django_db(transaction=True)


def assert_accessible(page):
    results = Axe().run(page)
    serious = [
        v["id"] for v in results.response["violations"] if v["impact"] in ("serious", "critical")
    ]
    assert serious == [], results.generate_report()


def figure(page, name):
    return int(re.sub(r"\D", "", page.locator(f"[data-figure={name}]").inner_text()) or 0)


def test_record_a_visit_and_see_the_figures_change(page, live_server, demo_territory, screenshot):
    gp = professional("medecin_generaliste", "00001", nom="MARTIN-FICTIF")
    professional("infirmier", "00002", nom="MARTINEZ-FICTIF")
    page.goto(live_server.url + "/comptes/connexion/")
    page.get_by_label("Identifiant").fill("agent")
    page.get_by_label("Mot de passe").fill("demo-maillage-2026")
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(live_server.url + "/")
    year = dt.date.today().year
    report = f"{live_server.url}/chiffres-cles/?departement=00&annee={year}"
    page.goto(report)
    assert figure(page, "accompagnements") == 0
    assert_accessible(page)

    page.goto(live_server.url + "/accompagnement/contacts/nouveau/")
    page.get_by_label("Rechercher un professionnel").fill("MARTIN-F")
    result = page.locator("#resultats-ps button[data-rpps]")
    result.first.wait_for()
    assert result.count() == 1
    page.keyboard.press("Enter")  # picks the first result, focus moves to the channel
    assert (
        page.get_by_label("Professionnel (identifiant RPPS)").input_value()
        == gp.identifiant_national
    )
    page.get_by_label("Canal").select_option("visite")
    page.get_by_label("Sujet (hors campagne)").fill("Assistants médicaux")
    assert_accessible(page)
    screenshot("accompagnement-saisie-contact")
    page.get_by_role("button", name="Enregistrer le contact").click()
    page.wait_for_selector(".messages")
    assert "Contact enregistré" in page.locator(".messages").inner_text()

    page.goto(report)
    assert figure(page, "accompagnements") == 1
    assert page.locator("[data-figure=part-mg]").inner_text().startswith("100")
    assert page.locator("a[data-canal=visite]").inner_text() == "1"
    screenshot("chiffres-cles-apres-visite")
    page.locator("a[data-canal=visite]").click()
    page.wait_for_url(re.compile(r"/detail/contacts/"))
    assert "MARTIN-FICTIF" in page.locator("table").inner_text()
