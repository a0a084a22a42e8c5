"""The key figures page of the demo, and a print preview of the PDF report's first page."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.conftest import ARTIFACTS

pytestmark = pytest.mark.django_db(transaction=True)


def test_demo_key_figures_page_and_print_preview(page, browser, live_server, screenshot):
    from maillage.web.demo import load_demo
    from maillage.web.outreach.demo import DEMO_YEAR
    from maillage.web.reporting import exports, services

    load_demo()
    page.goto(live_server.url + "/comptes/connexion/")
    page.get_by_label("Identifiant").fill("agent")
    page.get_by_label("Mot de passe").fill("demo-maillage-2026")
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(live_server.url + "/")
    page.goto(f"{live_server.url}/chiffres-cles/?departement=00&annee={DEMO_YEAR}")
    assert page.locator("[data-figure=webinaires]").inner_text() == "3"
    results = Axe().run(page)
    serious = [
        v["id"] for v in results.response["violations"] if v["impact"] in ("serious", "critical")
    ]
    assert serious == [], results.generate_report()
    screenshot("chiffres-cles-demo")
    # pdftoppm is not always installed: the HTML the PDF is made of, with the print style
    # sheet, gives the lead a look at the report's first page.
    # A blank page of its own (no CSP): the print HTML is not served by the site.
    preview = browser.new_page(viewport={"width": 794, "height": 1123})
    preview.set_content(exports.as_html(services.key_figures("00", DEMO_YEAR)))
    preview.add_style_tag(path=str(exports.PRINT_CSS))
    preview.emulate_media(media="print")
    preview.screenshot(path=str(ARTIFACTS / "chiffres-cles-demo-apercu-pdf.png"), full_page=True)
    preview.close()
