"""Every role walks its main pages at phone, tablet and desktop widths (issue 13, findings 9).

At 390, 768 and 1366 px: no horizontal scrolling of the page (wide tables scroll inside their own
box), no English error text, no ISO date and no Python repr in the visible text, and axe-core
reports no serious or critical issue. Runs on the whole demo (``maillage demo``), as a new user
would meet it.
"""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe

from maillage.web.demo import DEMO_PASSWORD

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

WIDTHS = (390, 768, 1366)
ROLES = ("anonyme", "professionnel", "coordinateur", "agent", "admin")
ENGLISH = re.compile(
    r"\b(Forbidden|Not Found|Server Error|Traceback|Page not found|This field is required"
    r"|Enter a valid|Bad Request|does not exist)\b"
)
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
PYTHON_REPR = re.compile(r"\{'|\['|\bNone\b|\bTrue\b|\bFalse\b|<[A-Za-z.]+ object at 0x")


@pytest.fixture
def demo(live_server):
    from maillage.web.demo import load_demo

    load_demo()
    return live_server


def _main_pages() -> list[str]:
    """The main pages of each module, with real objects of the demo."""
    from maillage.web.coordination.models import Contract as AciContract
    from maillage.web.coordination.models import Dossier
    from maillage.web.outreach.models import Campaign
    from maillage.web.supply.models import Structure
    from maillage.web.territories.models import Commune

    commune = Commune.objects.filter(departement_id="00").order_by("-population").first()
    cpts = Structure.objects.filter(kind=Structure.Kind.CPTS).order_by("pk").first()
    dossier = Dossier.objects.filter(coordinateurs__username="coordinateur").first()
    contract = AciContract.objects.filter(dossier=dossier).first()
    campaign = Campaign.objects.order_by("pk").first()
    return [
        "/",
        f"/?q={commune.nom}",
        f"/communes/{commune.code}/",
        "/departements/00/",
        "/zonages/",
        "/diagnostic/",
        f"/diagnostic/territoire/?cpts={cpts.pk}",
        "/accessibilite/",
        f"/accessibilite/communes/{commune.code}/",
        "/accessibilite/scenarios/",
        "/parametres/",
        "/offre/",
        f"/offre/communes/{commune.code}/",
        "/exercice-coordonne/",
        "/exercice-coordonne/departements/00/",
        f"/exercice-coordonne/structures/{dossier.structure_id}/",
        f"/exercice-coordonne/contrats/{contract.pk}/",
        "/accompagnement/",
        f"/accompagnement/campagnes/{campaign.pk}/",
        "/accompagnement/contrats/",
        "/accompagnement/installations/",
        "/chiffres-cles/",
    ]


# Pages of a module kept to CPAM staff even when the module is in the role's navigation.
STAFF_ONLY = ("/exercice-coordonne/departements/",)


def _may_open(navigation: list[str], url: str, role: str) -> bool:
    """A page is walked when its module is in the role's navigation (deny by default)."""
    if url.startswith(STAFF_ONLY) and role not in ("agent", "admin"):
        return False
    path = url.split("?")[0]
    module = "/" + path.split("/")[1] + "/" if path.count("/") > 1 else "/"
    public = ("/", "/communes/", "/departements/", "/zonages/")
    return module in public or module in navigation


def _log_in(page, url: str, username: str) -> None:
    page.goto(url + "/comptes/connexion/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()


def _problems(page, url: str, width: int) -> list[str]:
    found = []
    scroll = page.evaluate("document.scrollingElement.scrollWidth")
    inner = page.evaluate("innerWidth")
    if scroll > inner:
        found.append(f"défilement horizontal ({scroll} px pour {inner} px)")
    text = page.locator("body").inner_text()
    for name, pattern in (("anglais", ENGLISH), ("date ISO", ISO_DATE), ("repr", PYTHON_REPR)):
        hits = pattern.findall(text)
        if hits:
            found.append(f"{name} : {hits[:3]}")
    return [f"{url} à {width} px : {problem}" for problem in found]


def test_every_role_walks_its_pages_at_three_widths(browser, demo):
    pages = _main_pages()
    axe = Axe()
    problems: list[str] = []
    walked = 0
    for role in ROLES:
        context = browser.new_context(locale="fr-FR", viewport={"width": 1366, "height": 900})
        page = context.new_page()
        if role != "anonyme":
            _log_in(page, demo.url, role)
        page.goto(demo.url + "/")
        menu = page.get_by_role("navigation", name="Navigation principale")
        navigation = menu.locator("a").evaluate_all("links => links.map(a => a.pathname)")
        allowed = [url for url in pages if _may_open(navigation, url, role)]
        assert "/" in allowed and "/diagnostic/" in allowed, (role, navigation)
        for url in allowed:
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": 900})
                response = page.goto(demo.url + url)
                assert response.status == 200, f"{role} : {url} → {response.status}"
                problems += [f"{role} : {p}" for p in _problems(page, url, width)]
                walked += 1
                if width in (WIDTHS[0], WIDTHS[-1]):
                    # axe at the phone width (folded menu, scrolling tables) and the desktop one.
                    violations = axe.run(page).response["violations"]
                    problems += [
                        f"{role} : {url} : axe {v['id']} ({v['impact']}) : {v['help']}"
                        for v in violations
                        if v["impact"] in ("serious", "critical")
                    ]
        context.close()
    assert walked >= 5 * 3 * 8
    assert problems == [], "\n".join(problems)


def test_the_menu_folds_behind_a_button_on_phones(page, live_server, demo_territory):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + "/")
    menu = page.get_by_role("navigation", name="Navigation principale")
    button = page.get_by_role("button", name="Menu")
    assert menu.is_hidden() and button.get_attribute("aria-expanded") == "false"
    button.click()
    assert menu.is_visible() and button.get_attribute("aria-expanded") == "true"
    menu.get_by_role("link", name="Diagnostic").click()
    page.wait_for_url(live_server.url + "/diagnostic/")
    page.set_viewport_size({"width": 1366, "height": 900})
    assert page.get_by_role("navigation", name="Navigation principale").is_visible()
    assert page.get_by_role("button", name="Menu").is_hidden()


def test_a_wide_table_scrolls_in_its_own_focusable_box(page, demo):
    _log_in(page, demo.url, "agent")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(demo.url + "/accompagnement/installations/")
    box = page.locator(".table-scroll").first
    assert box.evaluate("b => b.scrollWidth > b.clientWidth")
    assert box.get_attribute("tabindex") == "0"
    assert page.evaluate("document.scrollingElement.scrollWidth <= innerWidth")


def test_an_epci_is_found_by_typing_part_of_its_name(page, live_server, demo_territory):
    from maillage.web.territories.models import Epci

    epci = Epci.objects.order_by("nom").last()
    page.goto(live_server.url + "/diagnostic/")
    search = page.get_by_label("Filtrer les EPCI (nom ou SIREN)")
    search.fill(epci.nom.split()[-1])
    select = page.get_by_label("EPCI du département 00")
    visible = select.locator("option:not([hidden])").evaluate_all("o => o.map(x => x.value)")
    assert epci.siren in visible and len(visible) < Epci.objects.count() + 1
    assert select.input_value() == visible[1]
    select.select_option(epci.siren)
    page.get_by_role("button", name="Diagnostic de l'EPCI").click()
    page.wait_for_url(f"{live_server.url}/diagnostic/territoire/?epci={epci.siren}")
    assert epci.nom in page.get_by_role("heading", level=1).inner_text()
