"""Browser tests: zoning map with its toggle, commune card, aid simulator, a scenario."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.web.access.conftest import make_practitioners

pytestmark = pytest.mark.django_db(transaction=True)


def assert_accessible(page):
    results = Axe().run(page)
    serious = [
        v["id"] for v in results.response["violations"] if v["impact"] in ("serious", "critical")
    ]
    assert serious == [], results.generate_report()


@pytest.fixture
def access_demo(demo_territory):
    from maillage.web.access.demo import load_demo
    from maillage.web.access.models import OfficialZone, SimulatedZone
    from maillage.web.territories.models import Commune

    assert load_demo() is None  # no professionals yet: nothing to do
    make_practitioners(list(Commune.objects.values_list("code", flat=True)), n=60)
    report = load_demo()
    assert report is not None and "fictives" in report.label
    assert OfficialZone.objects.filter(arrete_reference__contains="FICTIF").count() == 150
    return SimulatedZone.objects.filter(zone="ZIP").order_by("commune_id").first().commune_id


def test_zoning_map_toggle_and_commune_card(page, live_server, access_demo, screenshot):
    page.goto(live_server.url + "/accessibilite/?departement=00")
    page.wait_for_selector("#carte-zonage[data-loaded=true]")
    assert page.locator("#carte-zonage path.leaflet-interactive").count() == 150
    assert page.locator(".legend li").count() == 5
    first = page.locator("#carte-zonage path.leaflet-interactive").first
    official_fill = first.get_attribute("fill")
    screenshot("acces-zonage-officiel")
    assert_accessible(page)
    page.get_by_label("simulation", exact=True).check()
    assert page.locator("#carte-zonage").get_attribute("data-source") == "simulation"
    assert official_fill  # both renderings fill every commune
    page.get_by_role("button", name="Afficher").click()
    page.wait_for_selector("#carte-zonage[data-loaded=true]")
    assert "pas le zonage officiel" in page.locator("main").inner_text()
    screenshot("acces-zonage-simulation")
    page.locator(f"tr[data-code='{access_demo}'] a").click()
    page.wait_for_url(re.compile(rf"/accessibilite/communes/{access_demo}/"))
    page.wait_for_selector("#carte-zonage[data-loaded=true]")
    assert "ZIP" in page.locator("[data-figure=zone-officielle]").inner_text()
    assert "ZIP" in page.locator("[data-figure=zone-simulee]").inner_text()
    assert "consultations/an/hab." in page.locator("[data-figure=apl]").inner_text()
    assert "FICTIF" in page.locator("main").inner_text()
    screenshot("acces-fiche-commune")
    assert_accessible(page)


def test_aid_simulator(page, live_server, access_demo, screenshot):
    page.goto(live_server.url + "/accessibilite/aides/")
    page.get_by_label("Profession").select_option("medecin_generaliste")
    page.get_by_label("Commune (code INSEE)").fill(access_demo)
    page.get_by_label("Date de l'installation").fill("2025-06-01")
    page.get_by_label("Jours d'exercice par semaine").fill("4")
    page.get_by_role("button", name="Simuler").click()
    page.wait_for_selector("#resultat")
    caim = page.locator("[data-aid=caim]")
    assert re.search(r"50\s000,00\s€", caim.inner_text())
    assert "officiel" in page.locator("[data-zone-source]").inner_text()
    screenshot("acces-aides-2025")
    assert_accessible(page)
    page.get_by_label("Date de l'installation").fill("2026-03-01")
    page.get_by_label("Première installation").check()
    page.get_by_role("button", name="Simuler").click()
    page.wait_for_selector("[data-aid=aide_premiere_installation]")
    assert page.locator("[data-aid=caim]").count() == 0
    assert re.search(
        r"10\s000,00\s€", page.locator("[data-aid=aide_premiere_installation]").inner_text()
    )
    assert page.locator(".badge-warning", has_text="non vérifié").count() >= 1
    screenshot("acces-aides-2026")


def test_scenario(page, live_server, access_demo, screenshot):
    page.goto(live_server.url + "/accessibilite/scenarios/?departement=00")
    page.get_by_label("Commune (code INSEE)").fill(access_demo)
    page.get_by_label("Variation d'ETP (négatif : départ)").fill("2")
    page.get_by_role("button", name="Calculer le scénario").click()
    page.wait_for_selector("#carte-scenario[data-loaded=true]")
    row = page.locator(f"#resultat tr[data-code='{access_demo}']")
    assert row.count() == 1
    assert not row.locator("td").nth(3).inner_text().startswith("-")
    assert page.locator("#carte-scenario path.leaflet-interactive").count() == 150
    assert "recalculée" in page.locator("[data-figure=recalculees]").inner_text()
    screenshot("acces-scenario")
    assert_accessible(page)
