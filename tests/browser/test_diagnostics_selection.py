"""Select communes of the Var on the map (clicks and lasso), get the diagnosis, download the PDF
and the XLSX and check them; axe-core finds no serious or critical violation."""

import contextlib
import io
import re
import zlib
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from openpyxl import load_workbook

from tests.web.diagnostics import factories

pytestmark = pytest.mark.django_db(transaction=True)


def pdf_objects(pdf: bytes) -> bytes:
    """Raw PDF plus every Flate stream decompressed (object streams hold the page tree)."""
    chunks = [pdf]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        with contextlib.suppress(zlib.error):
            chunks.append(zlib.decompress(match.group(1)))
    return b"\n".join(chunks)


def _serious(results) -> list:
    return [v for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]


def test_map_selection_diagnosis_and_exports(page, live_server, var_referential, screenshot):
    factories.professionals_in("83137", 25, annee_naissance=1960)
    factories.professionals_in("83137", 2, categorie="sage_femme")
    page.goto(live_server.url + "/diagnostic/?departement=83")
    page.wait_for_selector("#carte[data-loaded=true]")
    paths = page.locator("#carte path.leaflet-interactive")
    assert paths.count() >= 150
    paths.nth(10).click()
    paths.nth(20).click()
    page.wait_for_function("document.getElementById('communes').value.split(',').length === 2")
    # Lasso: a triangle in the middle of the map.
    page.get_by_role("button", name="Commencer le lasso").click()
    box = page.locator("#carte").bounding_box()
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    for dx, dy in ((-120, -100), (140, -90), (10, 130)):
        page.mouse.click(cx + dx, cy + dy)
    page.get_by_role("button", name="Fermer le lasso").click()
    count = len(page.locator("#communes").input_value().split(","))
    assert count > 3
    assert "commune(s) choisie(s)" in page.locator("#selection-etat").inner_text()
    screenshot("diagnostic-selection")
    # Make sure Toulon is in the territory (typed into the accessible field as a user can).
    codes = page.locator("#communes").input_value()
    page.locator("#communes").fill(codes + ",83137")
    page.locator("#communes").dispatch_event("change")
    page.get_by_role("button", name="Voir le diagnostic").click()
    page.wait_for_url(re.compile(r"/diagnostic/territoire/\?communes="))
    assert page.locator("h1").inner_text().startswith("Diagnostic territorial")
    assert int(page.locator("[data-figure=communes]").inner_text()) == count + 1
    midwives = page.locator("table[data-table=offre] tr", has_text="Sage-femme")
    assert "secret statistique" in midwives.inner_text()
    assert page.locator("svg.diag-map path[data-role=territoire]").count() == count + 1
    # Context: the neighbouring communes in grey and the names of the largest communes.
    assert page.locator("svg.diag-map path[data-role=voisine]").count() > 0
    assert page.locator("svg.diag-map text", has_text="Toulon").count() >= 1
    screenshot("diagnostic-resultat")
    assert _serious(Axe().run(page)) == []

    with page.expect_download() as info:
        page.get_by_role("link", name="Rapport PDF").click()
    pdf = Path(info.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF")
    objects = pdf_objects(pdf)
    assert len(re.findall(rb"/Type\s*/Page\b", objects)) >= 2  # a multi-page report
    assert len(re.findall(rb"/Subtype\s*/Image|re\s|\sl\s", objects)) > 0  # drawn map/charts
    with page.expect_download() as info:
        page.get_by_role("link", name="Classeur XLSX").click()
    wb = load_workbook(io.BytesIO(Path(info.value.path()).read_bytes()))
    first = {r[0]: r[1] for r in wb["Territoire"].iter_rows(values_only=True)}
    assert first["Nombre de communes"] == count + 1
    offre = {r[0]: r for r in wb["Offre de soins"].iter_rows(values_only=True)}
    assert offre["offre.sage_femme.effectif"][2] == "secret statistique"
    assert abs(offre["offre.medecin_generaliste.effectif"][2] - 25) <= 2


def test_index_page_accessibility(page, live_server, var_referential):
    page.goto(live_server.url + "/diagnostic/?departement=83")
    page.wait_for_selector("#carte[data-loaded=true]")
    page.get_by_label("Nom ou code postal d'une commune").fill("Toulon")
    page.get_by_role("button", name="Ajouter Toulon (83137)").click()
    assert "83137" in page.locator("#communes").input_value()
    assert _serious(Axe().run(page)) == []
