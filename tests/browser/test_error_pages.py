"""Error pages as a visitor sees them: French, in the layout, accessible, with a way back."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from maillage.web.demo import DEMO_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def tab(browser):
    # Not the ``page`` fixture: the browser rightly logs the 403 / 404 status as a console error.
    context = browser.new_context(locale="fr-FR", viewport={"width": 390, "height": 844})
    yield context.new_page()
    context.close()


def _accessible(page):
    results = Axe().run(page)
    serious = [
        v["id"] for v in results.response["violations"] if v["impact"] in ("serious", "critical")
    ]
    assert serious == [], results.generate_report()


def test_a_coordinator_refused_sees_why_and_where_to_go(tab, live_server, demo_territory):
    tab.goto(live_server.url + "/comptes/connexion/")
    tab.locator("#id_username").fill("coordinateur")
    tab.locator("#id_password").fill(DEMO_PASSWORD)
    tab.locator("main button[type=submit]").click()
    tab.wait_for_load_state()
    menu = tab.get_by_role("navigation", name="Navigation principale")
    assert menu.get_by_role("link", name="Offre de soins").count() == 0
    response = tab.goto(live_server.url + "/offre/")
    assert response.status == 403
    assert tab.get_by_role("heading", level=1).inner_text().startswith("Accès refusé")
    assert "Votre rôle ne donne pas accès" in tab.get_by_role("alert").inner_text()
    tab.get_by_role("main").get_by_role("link", name="Exercice coordonné").click()
    tab.wait_for_url(live_server.url + "/exercice-coordonne/")
    assert "coordonné" in tab.title()


def test_an_unknown_commune_gives_a_french_404_with_a_way_back(tab, live_server, demo_territory):
    response = tab.goto(live_server.url + "/communes/99999/")
    assert response.status == 404
    assert tab.locator("html").get_attribute("lang") == "fr"
    assert tab.get_by_role("heading", level=1).inner_text().startswith("Page introuvable")
    _accessible(tab)
    tab.get_by_role("link", name="Revenir à l'accueil et rechercher une commune").click()
    tab.wait_for_url(live_server.url + "/")
