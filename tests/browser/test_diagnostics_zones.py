"""Choose a territoire de vie-santé on the selection page, get its diagnosis with the population
evolution block; axe-core finds no serious violation."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe

from maillage.web.territories import demo

pytestmark = pytest.mark.django_db(transaction=True)


def _serious(results) -> list:
    return [v for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]


def test_tvs_selection_and_evolution(page, live_server, demo_territory, screenshot):
    demo.load_demo()
    page.goto(live_server.url + "/diagnostic/?departement=00")
    page.wait_for_selector("#carte[data-loaded=true]")
    select = page.get_by_label("Zone d'un zonage d'étude (département 00)")
    options = select.locator("option")
    assert options.count() == demo.TVS_COUNT
    label = options.nth(1).inner_text().split(" — ")[0]
    select.select_option(index=1)
    page.get_by_role("button", name="Diagnostic de la zone d'étude").click()
    page.wait_for_url(re.compile(r"/diagnostic/territoire/\?zone="))
    assert label in page.locator("h1").inner_text()
    evolution = page.locator("table[data-table=evolution]")
    assert "2017" in evolution.locator("caption").inner_text()
    rate = evolution.locator("tr", has_text="Taux d'évolution annuel moyen").inner_text()
    assert re.search(r"-?\d+,\d\d", rate)
    screenshot("diagnostic-tvs")
    assert _serious(Axe().run(page)) == []
    page.goto(live_server.url + "/zonages/?departement=00")
    assert page.locator("table[data-table=zones] tbody tr").count() == demo.TVS_COUNT
    assert _serious(Axe().run(page)) == []
