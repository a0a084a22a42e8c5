"""Département dashboard: coverage figure, CPTS map, accessibility; coordinator's own view."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.db.models import Sum

from maillage.web.coordination.models import Contract
from maillage.web.supply.models import StructureCommune
from maillage.web.territories.models import Commune

pytestmark = pytest.mark.django_db(transaction=True)


def _login(page, live_server, username):
    page.goto(live_server.url + "/comptes/connexion/")
    page.get_by_label("Identifiant").fill(username)
    page.get_by_label("Mot de passe").fill("demo-maillage-2026")
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(live_server.url + "/")


def test_dashboard_coverage_and_map(page, live_server, demo_territory, screenshot):
    from maillage.web.coordination.demo import load_demo

    load_demo()
    _login(page, live_server, "agent")
    page.goto(live_server.url + "/exercice-coordonne/departements/00/?annee=2024")
    page.wait_for_selector("#carte[data-loaded=true]")
    signed = Contract.objects.filter(kind="cpts").values("dossier__structure_id")
    codes = StructureCommune.objects.filter(structure_id__in=signed).values("commune_id")
    covered = Commune.objects.filter(code__in=codes).aggregate(p=Sum("population"))["p"]
    total = Commune.objects.filter(departement="00").aggregate(p=Sum("population"))["p"]
    expected = f"{covered / total * 100:.1f}".replace(".", ",") + " %"
    assert page.locator("[data-figure=couverture]").inner_text() == expected
    shown = re.sub(r"\D", "", page.locator("[data-figure=population-couverte]").inner_text())
    assert int(shown) == covered
    assert page.locator("#carte path.leaflet-interactive").count() == 150
    legend = page.get_by_role("list", name="Légende de la carte")
    assert legend.get_by_role("listitem").count() == 3
    assert "plusieurs CPTS" in legend.inner_text()
    assert page.locator("#participants tbody tr").first.inner_text().startswith("Infirmier")
    screenshot("coordination-tableau-de-bord")
    results = Axe().run(page)
    serious = [
        v["id"] for v in results.response["violations"] if v["impact"] in ("serious", "critical")
    ]
    assert serious == [], results.generate_report()


def test_coordinator_sees_own_cpts_only(page, live_server, demo_territory):
    from maillage.web.coordination.demo import load_demo
    from maillage.web.demo import create_demo_accounts

    load_demo()
    create_demo_accounts()
    _login(page, live_server, "coordinateur")
    page.goto(live_server.url + "/exercice-coordonne/")
    assert page.locator("table").first.locator("tbody tr").count() == 1
    page.locator("table").first.locator("tbody a").first.click()
    page.wait_for_url(re.compile(r"/structures/\d+/$"))
    assert page.get_by_role("button", name="Enregistrer l'événement").count() == 0
    # page.request shares the session without loading the page (a 403 page logs a console error).
    response = page.request.get(live_server.url + "/exercice-coordonne/departements/00/")
    assert response.status == 403
