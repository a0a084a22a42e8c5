import re

import pytest
from axe_playwright_python.sync_playwright import Axe

pytestmark = pytest.mark.django_db(transaction=True)


def assert_accessible(page):
    results = Axe().run(page)
    serious = [
        v["id"] for v in results.response["violations"] if v["impact"] in ("serious", "critical")
    ]
    assert serious == [], results.generate_report()


def test_home_search_and_commune_map(page, live_server, var_referential, screenshot):
    page.goto(live_server.url + "/")
    assert_accessible(page)
    assert page.locator("[data-figure=communes]").inner_text().replace("\u202f", "") == "153"
    page.get_by_label("Rechercher une commune").fill("Toulon")
    page.get_by_role("button", name="Rechercher").click()
    screenshot("accueil-recherche")
    page.get_by_role("link", name="Toulon", exact=True).click()
    page.wait_for_url(re.compile(r"/communes/83137/$"))
    page.wait_for_selector("#carte[data-loaded=true]")
    # The commune and its neighbours are drawn as SVG paths by Leaflet.
    assert page.locator("#carte path.leaflet-interactive").count() >= 5
    population = page.locator("[data-figure=population]").inner_text()
    assert re.sub(r"\s", "", population) == "179116"
    assert "km²" in page.locator("[data-figure=surface]").inner_text()
    assert "(2023)" in page.locator("#chiffres-cles + dl").inner_text()
    screenshot("commune-toulon")
    assert_accessible(page)
    page.locator("#carte path.leaflet-interactive").nth(1).click()
    page.wait_for_url(re.compile(r"/communes/83\d{3}/$"))
    assert "83137" not in page.url


def test_demo_commune_page(page, live_server, demo_territory, screenshot):
    page.goto(live_server.url + "/departements/00/")
    first = page.locator("table tbody tr a").first
    name = first.inner_text()
    first.click()
    page.wait_for_selector("#carte[data-loaded=true]")
    assert page.locator("h1").inner_text().startswith(name)
    assert page.locator("table caption", has_text="tranche d'âge").count() == 1
    screenshot("commune-demo")


def test_login_page_and_demo_login(page, live_server, demo_territory):
    page.goto(live_server.url + "/comptes/connexion/")
    page.get_by_label("Identifiant").fill("agent")
    page.get_by_label("Mot de passe").fill("demo-maillage-2026")
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(live_server.url + "/")
    assert page.get_by_role("button", name="Se déconnecter").is_visible()
