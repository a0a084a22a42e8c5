"""The main pages of each role read as French for people: no Python repr (``{'``, ``['``,
``None``), no internal snake_case code and no ISO date in the visible text.

Codes stay where users type them (form inputs) and in attributes; what is checked is the text
a reader sees in the page's main content.
"""

from __future__ import annotations

import html
import re

import pytest
from django.test import Client

from maillage.web.accounts.models import User

from .conftest import DEMO_USERNAMES

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

REPR = re.compile(r"\{'|\['|\bNone\b|\bTrue\b|\bFalse\b")
SNAKE_CASE = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")
ISO_DATE = re.compile(r"\b(?:19|20)[0-9]{2}-[0-9]{2}-[0-9]{2}\b")
REPEATED_AMOUNT = re.compile(r"([0-9][0-9\u202f\xa0 ]*,[0-9]{2} €) \1")


def visible_text(page: str) -> str:
    """Text of ``<main>`` as a reader sees it: no tags, scripts, styles, attributes, inputs."""
    main = page.split("<main", 1)[1].split("</main>", 1)[0]
    main = re.sub(r"(?is)<(script|style|textarea|code)\b.*?</\1>", " ", main)
    main = re.sub(r"(?i)</t[dh]>", " | ", main)  # two cells are two values, not a repeat
    main = re.sub(r"(?s)<[^>]+>", " ", main)
    return re.sub(r"\s+", " ", html.unescape(main))


def problems(text: str) -> list[str]:
    found = []
    checks = (
        ("repr", REPR),
        ("code", SNAKE_CASE),
        ("date ISO", ISO_DATE),
        ("montant répété", REPEATED_AMOUNT),
    )
    for name, pattern in checks:
        for match in pattern.finditer(text):
            context = text[max(0, match.start() - 40) : match.end() + 40]
            found.append(f"{name} « {match.group()} » dans « …{context}… »")
    return found


def pages_of(username: str | None) -> list[str]:
    from maillage.web.coordination.models import Contract
    from maillage.web.outreach.models import Campaign
    from maillage.web.outreach.models import Contract as ProfessionalContract

    public = [
        "/",
        "/communes/00001/",
        "/accessibilite/",
        "/accessibilite/communes/00001/",
        "/accessibilite/aides/?profession=medecin_generaliste&commune=00001&date=2026-03-01",
        "/accessibilite/aides/?profession=infirmier&zone=tres_sous_dotee&date=2026-03-01",
        "/accessibilite/aides/?profession=medecin_generaliste&zone=ZIP&date=2026-03-01"
        "&premiere_installation=on",
        "/diagnostic/territoire/?communes=00001,00002",
        "/parametres/",
    ]
    cpts = Contract.objects.filter(kind="cpts").first()
    coordination = [
        "/exercice-coordonne/",
        f"/exercice-coordonne/structures/{cpts.dossier.structure_id}/",
        f"/exercice-coordonne/contrats/{cpts.pk}/",
    ]
    staff = [
        *(f"/exercice-coordonne/contrats/{c.pk}/" for c in Contract.objects.filter(kind="msp")),
        "/exercice-coordonne/departements/00/",
        "/accompagnement/",
        "/accompagnement/installations/",
        "/accompagnement/webinaires/",
        "/accompagnement/contrats/",
        f"/accompagnement/campagnes/{Campaign.objects.first().pk}/",
        *(
            f"/accompagnement/contrats/{c.pk}/"
            for c in ProfessionalContract.objects.order_by("pk")[:4]
        ),
    ]
    return {
        None: public,
        "professionnel": [*public, "/accompagnement/mon-dossier/"],
        "coordinateur": [*public, *coordination],
        "agent": [*public, *coordination, *staff],
        "admin": [*coordination, *staff],
    }[username]


@pytest.mark.parametrize("username", [None, *DEMO_USERNAMES], ids=lambda u: u or "anonyme")
def test_main_pages_read_as_french(full_demo, username):
    client = Client()
    if username:
        client.force_login(User.objects.get(username=username))
    failures = []
    for url in pages_of(username):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        failures += [f"{url} : {p}" for p in problems(visible_text(response.content.decode()))]
    assert not failures, "\n".join(failures)


def test_the_checks_catch_what_they_look_for():
    page = (
        "<main><p>{'professions': ['infirmier'], 'commune': None} medecin_generaliste "
        "2025-03-01 10\u202f000,00 € 10\u202f000,00 € versés</p><code>aci.cpts</code></main>"
    )
    found = problems(visible_text(page))
    assert any("repr" in f for f in found) and any("medecin_generaliste" in f for f in found)
    assert any("2025-03-01" in f for f in found) and any("montant répété" in f for f in found)
    assert not problems(visible_text("<main><p>Médecin généraliste, 01/03/2025</p></main>"))
