"""Staff pages of the supply in a real browser: the per-commune list and the CPTS drawing."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe

from maillage.web.demo import DEMO_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def supply_demo(demo_territory):
    from maillage.web.supply.demo import load_demo

    load_demo()


def assert_accessible(page):
    results = Axe().run(page)
    serious = [
        v["id"] for v in results.response["violations"] if v["impact"] in ("serious", "critical")
    ]
    assert serious == [], results.generate_report()


def login(page, live_server, username):
    page.goto(live_server.url + "/comptes/connexion/?next=/offre/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_url(re.compile(r"/offre/$"))


def test_agent_browses_the_list_of_a_commune(page, live_server, supply_demo, screenshot):
    from maillage.web.territories.models import Departement

    prefecture = Departement.objects.get(code="00").chef_lieu
    login(page, live_server, "agent")
    assert_accessible(page)
    page.get_by_label("Rechercher une commune").fill(prefecture)
    page.get_by_role("button", name="Rechercher").click()
    page.locator("[data-results] a").first.click()
    page.wait_for_url(re.compile(rf"/offre/communes/{prefecture}/$"))
    rows = page.locator("[data-table=professionnels] tbody tr")
    assert rows.count() > 10
    assert "FICTIF" in rows.first.inner_text()
    assert "Médecin généraliste" in page.locator("[data-table=effectifs]").inner_text()
    screenshot("offre-commune-agent")
    assert_accessible(page)


def test_admin_draws_a_cpts_on_the_map(page, live_server, supply_demo, screenshot):
    from maillage.web.supply.models import Structure, StructureCommune

    login(page, live_server, "admin")
    page.get_by_role("link", name="Dessiner une nouvelle CPTS").click()
    page.wait_for_selector("#carte[data-loaded=true]")
    page.get_by_label("Nom de la CPTS").fill("CPTS dessinée")
    page.locator("#id_identifiant").fill("CPTS-00-99")
    taken = set(StructureCommune.objects.values_list("commune_id", flat=True))
    # Pick one free commune by clicking its outline, another through the filtered list.
    paths = page.locator("#carte path.leaflet-interactive")
    options = page.locator("#id_communes option")
    codes = [options.nth(i).get_attribute("value") for i in range(options.count())]
    free = [i for i, code in enumerate(codes) if code not in taken]
    features = page.evaluate(
        "JSON.parse(document.getElementById('carte-donnees').textContent)"
        ".features.map(f => f.properties.code)"
    )
    clicked = next(code for code in features if code not in taken)
    paths.nth(features.index(clicked)).click(force=True)
    assert page.locator(f"#id_communes option[value='{clicked}']").evaluate("o => o.selected")
    other = next(codes[i] for i in free if codes[i] != clicked)
    page.locator("#filtre-communes").fill(other)
    page.locator("#id_communes").select_option([clicked, other])
    assert "2 commune(s)" in page.locator("[data-selection-count]").inner_text()
    screenshot("offre-cpts-dessin")
    assert_accessible(page)
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_url(re.compile(r"/offre/$"))
    created = Structure.objects.get(identifiant="CPTS-00-99")
    assert sorted(created.communes.values_list("code", flat=True)) == sorted([clicked, other])
