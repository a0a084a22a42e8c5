"""Authorization of every page and endpoint of outreach and reporting, per role (anonymous,
the five roles, and a CPAM agent of another département), and the access log."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from maillage.web.accounts.models import AccessLog, AuditEntry
from maillage.web.accounts.roles import Role
from maillage.web.outreach import services
from maillage.web.outreach.models import Campaign, Contact, FollowUp

from .factories import make_user, other_departement, professional

pytestmark = pytest.mark.django_db
Y = 2025
PROFILES = ["anonyme", *[r.name for r in Role], "AGENT_AUTRE_DEPARTEMENT"]


@pytest.fixture
def data(demo_territory):
    other_departement()
    p = professional(nom="DUPONT")
    campaign = Campaign.objects.create(
        theme="Metformine",
        portee="nationale",
        departement_id="00",
        professions=["medecin_generaliste"],
        debut=dt.date(Y, 1, 1),
        fin=dt.date(Y, 12, 31),
    )
    services.set_targets(campaign, services.target_professionals("00", ["medecin_generaliste"]))
    contact = Contact.objects.create(
        professional=p,
        departement_id="00",
        canal="visite",
        date=dt.date(Y, 2, 1),
        campagne=campaign,
        equipe="DAM",
    )
    inst, _ = services.create_installation(p, "00", dt.date(Y, 1, 10))
    contract = services.create_contract(p, "00", "caim", dt.date(Y, 3, 1), {"jours": 4})
    return {
        "p": p,
        "campaign": campaign,
        "contact": contact,
        "installation": inst,
        "contract": contract,
    }


def login(client, profile):
    if profile == "anonyme":
        return None
    if profile == "AGENT_AUTRE_DEPARTEMENT":
        user = make_user(Role.AGENT_CPAM, "agent-99", departements=("99",))
    else:
        user = make_user(Role[profile])
    client.force_login(user)
    return user


def pages(d):
    rpps = d["p"].identifiant_national
    return {
        # name: (url, scoped to département 00)
        "outreach:index": (reverse("outreach:index"), False),
        "outreach:campaign_new": (reverse("outreach:campaign_new"), False),
        "outreach:campaign": (reverse("outreach:campaign", args=[d["campaign"].pk]), True),
        "outreach:contact_new": (reverse("outreach:contact_new") + "?q=DUPONT", False),
        "outreach:search": (reverse("outreach:search") + "?q=DUPONT", False),
        # A professional outside the scope looks like an unknown number: 404, not 403.
        "outreach:professional": (reverse("outreach:professional", args=[rpps]), 404),
        "outreach:export_json": (
            reverse("outreach:professional_export", args=[rpps, "json"]),
            404,
        ),
        "outreach:export_csv": (reverse("outreach:professional_export", args=[rpps, "csv"]), 404),
        "outreach:export_xlsx": (
            reverse("outreach:professional_export", args=[rpps, "xlsx"]),
            404,
        ),
        "reporting:export_xlsx": (reverse("reporting:export", args=["00", Y, "xlsx"]), True),
        "outreach:webinars": (reverse("outreach:webinars"), False),
        "outreach:installations": (reverse("outreach:installations"), False),
        "outreach:contracts": (reverse("outreach:contracts"), False),
        "outreach:contract": (reverse("outreach:contract", args=[d["contract"].pk]), True),
        "reporting:index": (reverse("reporting:index") + f"?departement=00&annee={Y}", True),
        "reporting:export": (reverse("reporting:export", args=["00", Y, "json"]), True),
        "reporting:detail": (reverse("reporting:detail", args=["00", Y, "contacts"]), True),
    }


@pytest.mark.parametrize("profile", PROFILES)
def test_pages_per_role(client, data, profile):
    login(client, profile)
    for name, (url, scoped) in pages(data).items():
        status = client.get(url).status_code
        if profile == "anonyme":
            assert status == 302, name
        elif profile in ("AGENT_CPAM", "ADMINISTRATEUR"):
            assert status == 200, name
        elif profile == "AGENT_AUTRE_DEPARTEMENT":
            assert status == {True: 403, False: 200}.get(scoped, scoped), name
        else:
            assert status == 403, name


@pytest.mark.parametrize("profile", PROFILES)
def test_post_endpoints_per_role(client, data, profile):
    login(client, profile)
    milestone = data["installation"].jalons.first()
    follow_up = FollowUp.objects.create(
        contact=data["contact"], libelle="x", echeance=dt.date(Y, 3, 1)
    )
    posts = {
        "follow_up_done": (reverse("outreach:follow_up_done", args=[follow_up.pk]), {}, True),
        "installations_detect": (reverse("outreach:installations_detect"), {}, False),
        "milestone_done": (reverse("outreach:milestone_done", args=[milestone.pk]), {}, True),
        "installation_check": (
            reverse("outreach:installation_check", args=[data["installation"].pk]),
            {"controle_date": "2025-07-01", "controle_resultat": "conforme"},
            True,
        ),
    }
    for name, (url, payload, scoped) in posts.items():
        status = client.post(url, payload).status_code
        if profile == "anonyme":
            assert status == 302 and "connexion" in client.post(url, payload)["Location"], name
        elif profile in ("AGENT_CPAM", "ADMINISTRATEUR"):
            assert status == 302, name
        elif profile == "AGENT_AUTRE_DEPARTEMENT":
            assert status == (403 if scoped else 302), name
        else:
            assert status == 403, name
    erase = client.post(
        reverse("outreach:professional_erase", args=[data["p"].identifiant_national])
    )
    expected = {"anonyme": 302, "ADMINISTRATEUR": 302}.get(profile, 403)
    assert erase.status_code == expected
    assert Contact.objects.exists() == (profile != "ADMINISTRATEUR")


@pytest.mark.parametrize("profile", PROFILES)
def test_api_per_role(client, data, profile):
    login(client, profile)
    search = client.get("/api/accompagnement/professionnels?q=DUPONT")
    figures = client.get(f"/api/chiffres-cles/00/{Y}")
    if profile == "anonyme":
        assert (search.status_code, figures.status_code) == (401, 401)
    elif profile in ("AGENT_CPAM", "ADMINISTRATEUR"):
        assert search.status_code == figures.status_code == 200
        assert [r["nom"] for r in search.json()["results"]] == ["DUPONT"]
        assert figures.json()["accompagnement"]["accompagnements"]["valeur"] == 1
    elif profile == "AGENT_AUTRE_DEPARTEMENT":
        assert search.status_code == 200 and search.json()["results"] == []
        assert figures.status_code == 403
    else:
        assert (search.status_code, figures.status_code) == (403, 403)


def test_consultations_are_logged(client, data):
    agent = login(client, "AGENT_CPAM")
    rpps = data["p"].identifiant_national
    client.get(reverse("outreach:professional", args=[rpps]))
    client.get(reverse("outreach:professional_export", args=[rpps, "json"]))
    client.get(reverse("reporting:detail", args=["00", Y, "contacts"]))
    logs = list(AccessLog.objects.filter(user=agent).values_list("subject", "rpps"))
    assert ("fiche-professionnel", rpps) in logs and ("export-rgpd", rpps) in logs
    assert ("chiffres-contacts", rpps) in logs
    assert AuditEntry.objects.filter(action="export", comment__contains="export").exists()
    other = login(client, "AGENT_AUTRE_DEPARTEMENT")
    client.get(reverse("outreach:professional", args=[rpps]))
    assert not AccessLog.objects.filter(user=other, subject_id=rpps).exists()


def test_fast_entry_without_javascript(client, data):
    agent = login(client, "AGENT_CPAM")
    page = client.get(reverse("outreach:contact_new") + "?q=DUPONT")
    assert f"?rpps={data['p'].identifiant_national}" in page.content.decode()
    response = client.post(
        reverse("outreach:contact_new"),
        {
            "rpps": data["p"].identifiant_national,
            "canal": "telephone",
            "date": "2025-04-02",
            "equipe": "CIS",
            "sujet": "e-CPS",
            "resultat": "realise",
            "suite": "Rappeler",
            "suite_echeance": "2025-04-20",
        },
    )
    assert response.status_code == 302
    created = Contact.objects.get(canal="telephone")
    assert created.auteur == agent and created.departement_id == "00"
    assert FollowUp.objects.get().contact == created
    missing = client.post(
        reverse("outreach:contact_new"),
        {
            "rpps": "000",
            "canal": "visite",
            "date": "2025-04-02",
            "equipe": "DAM",
            "resultat": "realise",
        },
    )
    assert missing.status_code == 200 and "Aucun professionnel" in missing.content.decode()


def test_campaign_creation_builds_targets(client, data):
    login(client, "AGENT_CPAM")
    professional("infirmier", "00003")
    response = client.post(
        reverse("outreach:campaign_new"),
        {
            "theme": "BSI",
            "portee": "locale",
            "professions": ["infirmier"],
            "canaux": ["visite"],
            "debut": "2025-01-01",
            "fin": "2025-06-30",
            "departement": "00",
        },
    )
    assert response.status_code == 302
    campaign = Campaign.objects.get(theme="BSI")
    assert campaign.cibles.count() == 1
    page = client.get(reverse("outreach:campaign", args=[campaign.pk]))
    assert "0 / 1" in page.content.decode()


def test_contract_form_and_payment(client, data):
    login(client, "AGENT_CPAM")
    rpps = data["p"].identifiant_national
    refused = client.post(
        reverse("outreach:contracts"),
        {"rpps": rpps, "kind": "caim", "date_signature": "2026-03-01", "jours": 4},
    )
    assert refused.status_code == 200 and "aucune règle en vigueur" in refused.content.decode()
    created = client.post(
        reverse("outreach:contracts"),
        {
            "rpps": rpps,
            "kind": "infirmier",
            "date_signature": "2025-03-01",
            "cle": "autre_installation",
        },
    )
    assert created.status_code == 302
    url = created["Location"]
    client.post(url, {"date": "2025-03-15", "montant": "5500"})
    page = re.sub(r"[\s\u202f\xa0]", "", client.get(url).content.decode())
    assert "Montantprévu</dt><dd>27500,00€" in page
    assert "Versé</dt><dd>5500,00€" in page and "Resteàverser</dt><dd>22000,00€" in page
    assert "(vérifié)" in page
