"""« Mon dossier » of a health professional: only the ``professionnel`` role, only their own
file (linked by RPPS), reads logged like every nominative page."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from maillage.web.accounts.models import AccessLog
from maillage.web.accounts.roles import Role
from maillage.web.outreach import services
from maillage.web.outreach.models import Payment

from .factories import make_user, professional

pytestmark = pytest.mark.django_db
URL = "/accompagnement/mon-dossier/"


@pytest.fixture
def files(demo_territory):
    mine = professional(category="infirmier", nom="DURAND")
    other = professional(category="infirmier", nom="AUTRE")
    services.create_installation(mine, "00", dt.date(2025, 9, 1))
    services.create_installation(other, "00", dt.date(2025, 10, 7))
    contract = services.create_contract(
        mine, "00", "infirmier", dt.date(2025, 3, 1), {"cle": "autre_installation"}
    )
    Payment.objects.create(contrat=contract, date=dt.date(2025, 3, 15), montant=5500)
    services.create_contract(
        other, "00", "infirmier", dt.date(2025, 4, 17), {"cle": "premiere_installation"}
    )
    user = make_user(Role.PROFESSIONNEL, "pro")
    user.rpps = mine.identifiant_national
    user.save()
    return {"mine": mine, "other": other, "user": user}


def test_the_url_is_the_named_route():
    assert reverse("outreach:own_file") == URL


@pytest.mark.parametrize(
    "role", [None, Role.PUBLIC, Role.COORDINATEUR, Role.AGENT_CPAM, Role.ADMINISTRATEUR]
)
def test_other_roles_are_refused(client, files, role):
    if role is not None:
        client.force_login(make_user(role, "u"))
    response = client.get(URL)
    if role is None:
        assert response.status_code == 302 and "/connexion/" in response["Location"]
    else:
        assert response.status_code == 403


def test_the_professional_sees_their_own_file_and_nothing_else(client, files):
    client.force_login(files["user"])
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    text = re.sub(r"[\s\u202f\xa0]+", " ", html)
    assert "DURAND" in html and "AUTRE" not in html
    assert files["other"].identifiant_national not in html
    assert "Installation du 01/09/2025" in text and "07/10/2025" not in text
    assert "signé le 01/03/2025" in text and "17/04/2025" not in text
    assert "5 500,00 €" in text  # the payment received
    assert (
        response["Cache-Control"].startswith("no-store") or "no-store" in response["Cache-Control"]
    )


def test_the_aids_of_the_commune_come_from_the_simulator(client, files):
    from maillage.engine.rules.aids import Project
    from maillage.web.access import services as access_services

    client.force_login(files["user"])
    html = client.get(URL).content.decode()
    section = html[html.index("Les aides de ma commune") :]
    try:
        _, expected = access_services.aids_for_commune(
            "00001", "infirmier", dt.date.today(), Project()
        )
    except ValueError:  # no zoning of the commune: the page says why, in words
        assert "Aides non calculables" in section and "zonage de cette commune" in section
        return
    for aid in expected.aids:
        assert aid.label in section
    if not expected.aids:
        assert "Aucune aide à l'installation dans cette zone" in section


def test_the_aids_of_a_zoned_commune_are_listed(client, files):
    """With the zoning computed (the access demo), the aids of the zone are on the page."""
    from maillage.web.access.demo import load_demo

    doctor = professional(category="medecin_generaliste", commune="00001")
    load_demo()  # APL and zoning of the demo doctors, this one included
    files["user"].rpps = doctor.identifiant_national
    files["user"].save()
    client.force_login(files["user"])
    html = client.get(URL).content.decode()
    section = html[html.index("Les aides de ma commune") :]
    assert "Aides non calculables" not in section
    assert "zone" in section.lower()


def test_reads_are_logged_with_the_professional(client, files):
    client.force_login(files["user"])
    before = AccessLog.objects.count()
    client.get(URL)
    logged = AccessLog.objects.filter(user=files["user"]).order_by("-id").first()
    assert AccessLog.objects.count() == before + 1
    assert logged.rpps == files["mine"].identifiant_national


def test_an_account_without_rpps_gets_an_explanation_not_someone_s_file(client, files):
    user = make_user(Role.PROFESSIONNEL, "pro2")
    client.force_login(user)
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "pas encore relié" in html and "DURAND" not in html
    assert not AccessLog.objects.filter(user=user).exists()


def test_the_navigation_links_the_file_for_professionals_only(client, files):
    client.force_login(files["user"])
    assert f'href="{URL}"' in client.get("/").content.decode()
    client.force_login(make_user(Role.AGENT_CPAM, "agent-nav"))
    assert f'href="{URL}"' not in client.get("/").content.decode()
