"""Public pages and API of the access module: every role, the aid simulator's dated switch."""

import re

import pytest
from django.urls import reverse

from maillage.web.access import services
from maillage.web.access.models import SimulatedZone

from .conftest import ROLES, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def computed(demo_gps):
    services.compute_and_store("medecin_generaliste", 2025, "00")
    return SimulatedZone.objects.filter(zone="ZIP").first().commune_id


def urls(code):
    return [
        reverse("access:index") + "?departement=00&source=simulation",
        reverse("access:commune", args=[code]),
        reverse("access:aides")
        + f"?profession=medecin_generaliste&commune={code}&date=2025-06-01&jours_par_semaine=4",
        reverse("access:scenario") + f"?departement=00&commune={code}&etp=1",
        "/api/accessibilite/zonage?departement=00&geojson=true",
        f"/api/accessibilite/communes/{code}",
        f"/api/accessibilite/aides?profession=medecin_generaliste&date=2025-06-01&commune={code}",
        f"/api/accessibilite/scenario?departement=00&commune={code}&etp=1",
        "/api/accessibilite/candidats?departement=00",
    ]


@pytest.mark.parametrize("role", ROLES, ids=lambda r: getattr(r, "name", "anonyme"))
def test_every_page_and_endpoint_is_public(client, computed, role):
    user = make_user(role)
    if user:
        client.force_login(user)
    for url in urls(computed):
        assert client.get(url).status_code == 200, url


def test_navigation_shows_the_module(client, demo_territory):
    html = client.get("/").content.decode()
    assert 'href="/accessibilite/"' in html
    assert client.get(reverse("access:index")).status_code == 200


def test_map_page_labels_the_simulation_and_both_zonings(client, computed):
    html = client.get(reverse("access:index"), {"departement": "00", "source": "simulation"})
    html = html.content.decode()
    assert 'id="zonage-donnees"' in html and "access/access-map.js" in html
    assert "pas</strong> le zonage officiel" in html
    assert "Aucun zonage officiel" not in html  # simulation view
    html = client.get(reverse("access:index"), {"departement": "00"}).content.decode()
    assert "Aucun zonage officiel importé" in html


def test_commune_card(client, computed):
    html = client.get(reverse("access:commune", args=[computed])).content.decode()
    assert 'data-figure="zone-simulee">ZIP' not in html  # label, not code
    assert "zone d&#x27;intervention prioritaire (ZIP)" in html
    assert "non importé" in html and 'data-figure="apl"' in html
    assert "non vérifié" in html  # the vivier threshold is unverified


def test_aid_simulator_dated_switch(client, computed):
    url = reverse("access:aides")
    base = {"profession": "medecin_generaliste", "zone": "ZIP", "jours_par_semaine": "4"}
    html = client.get(url, {**base, "date": "2025-06-01"}).content.decode()
    assert 'data-aid="caim"' in html and re.search(r"50\s000,00\s€", html)
    html = client.get(
        url, {**base, "date": "2026-03-01", "premiere_installation": "on"}
    ).content.decode()
    assert 'data-aid="caim"' not in html
    assert 'data-aid="aide_premiere_installation"' in html and re.search(r"10\s000,00\s€", html)
    # From a commune: the zone comes from the simulation, said so.
    html = client.get(
        url, {**base, "zone": "", "commune": computed, "date": "2025-06-01"}
    ).content.decode()
    assert 'data-zone-source="simulation"' in html and 'data-aid="caim"' in html


@pytest.mark.parametrize(
    ("profession", "zone", "extra", "aid", "amount"),
    [
        (
            "masseur_kinesitherapeute",
            "tres_sous_dotee",
            {},
            "aide_installation_creation_reprise",
            r"49\s000",
        ),
        (
            "masseur_kinesitherapeute",
            "tres_sous_dotee",
            {"rejoint_cabinet": "on"},
            "aide_installation_adhesion_cabinet",
            r"34\s000",
        ),
        (
            "infirmier",
            "tres_sous_dotee",
            {"premiere_installation": "on"},
            "aide_installation_premiere_installation",
            r"37\s500",
        ),
        ("infirmier", "tres_sous_dotee", {}, "aide_installation_autre_installation", r"27\s500"),
    ],
)
def test_each_profession_and_unverified_badges(client, db, profession, zone, extra, aid, amount):
    html = client.get(
        reverse("access:aides"),
        {"profession": profession, "zone": zone, "date": "2025-06-01", **extra},
    ).content.decode()
    assert f'data-aid="{aid}"' in html and re.search(amount, html)
    if profession == "infirmier":
        assert "non vérifié" in html  # nurses' eligible zones are unverified


def test_aid_form_errors_in_french(client, db):
    html = client.get(
        reverse("access:aides"), {"profession": "medecin_generaliste", "date": "2025-06-01"}
    ).content.decode()
    assert "Indiquez une commune ou une zone" in html
    html = client.get(
        reverse("access:aides"),
        {"profession": "infirmier", "zone": "ZIP", "date": "2025-06-01"},
    ).content.decode()
    assert "zone « ZIP » inconnue" in html


def test_scenario_page_and_api(client, computed):
    html = client.get(
        reverse("access:scenario"), {"departement": "00", "commune": computed, "etp": "2"}
    ).content.decode()
    assert 'id="scenario-donnees"' in html and 'data-figure="recalculees"' in html
    assert f'data-code="{computed}"' in html
    data = client.get(
        "/api/accessibilite/scenario", {"departement": "00", "commune": computed, "etp": 2}
    ).json()
    assert data["nature"] == "simulation"
    row = next(r for r in data["communes"] if r["code"] == computed)
    assert row["apl_apres"] > row["apl_avant"]
    assert data["communes_recalculees"] < data["communes_total"]
    removed = client.get(
        "/api/accessibilite/scenario", {"departement": "00", "commune": computed, "etp": -50}
    ).json()
    assert all(r["variation"] <= 0 for r in removed["communes"])
    bad = client.get(
        "/api/accessibilite/scenario", {"departement": "00", "commune": "99999", "etp": 1}
    )
    assert bad.status_code == 400 and "hors du périmètre" in bad.json()["detail"]
    ranking = client.get("/api/accessibilite/candidats", {"departement": "00"}).json()
    gains = [c["gain"] for c in ranking["communes"]]
    assert gains == sorted(gains, reverse=True) and len(gains) <= 10


def test_scenario_for_an_msp(client, computed):
    from maillage.web.supply.models import Activity, Structure

    msp = Structure.objects.create(
        kind=Structure.Kind.MSP, identifiant="009999999", nom="MSP test", commune_id=computed
    )
    Activity.objects.filter(commune_id=computed).update(finess_site="009999999")
    html = client.get(
        reverse("access:scenario"), {"departement": "00", "msp": msp.pk, "retirer_msp": "on"}
    ).content.decode()
    assert "MSP test" in html
    if Activity.objects.filter(commune_id=computed).exists():
        assert 'id="scenario-donnees"' in html
    else:
        assert "aucun praticien" in html


def test_api_zoning_never_mixes_official_and_simulation(client, computed):
    data = client.get("/api/accessibilite/zonage", {"departement": "00"}).json()
    row = next(r for r in data["communes"] if r["code"] == computed)
    assert row["officiel"] is None and row["simulation"] == "ZIP"
    assert "geojson" not in data
    assert client.get("/api/accessibilite/zonage", {"profession": "dentiste"}).status_code == 400


def test_aid_simulator_already_installed_and_contradiction(client, db):
    """Issue 10 §4 on the page and the API: no installation aid to a professional already
    installed; « première installation » with « déjà installé » is refused in French."""
    url = reverse("access:aides")
    base = {"profession": "masseur_kinesitherapeute", "zone": "tres_sous_dotee"}
    html = client.get(url, {**base, "date": "2025-06-01", "deja_installe": "on"}).content.decode()
    assert "data-aid=" not in html and "déjà installé" in html
    both = {**base, "date": "2025-06-01", "deja_installe": "on", "premiere_installation": "on"}
    html = client.get(url, both).content.decode()
    assert "projet contradictoire" in html and "data-aid=" not in html
    api = client.get(
        "/api/accessibilite/aides",
        {**base, "date": "2025-06-01", "deja_installe": True, "premiere_installation": True},
    )
    assert api.status_code == 400 and "projet contradictoire" in api.json()["detail"]
