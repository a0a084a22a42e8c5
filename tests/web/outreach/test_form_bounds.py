"""Outreach forms: every number and year bounded with a French message next to its field,
the typed values kept; campaign criteria and contract zones shown as words."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from maillage.web.accounts.roles import Role
from maillage.web.outreach import services
from maillage.web.outreach.models import Campaign, Payment

from .factories import make_user, other_departement, professional

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent(client, demo_territory):
    other_departement()
    user = make_user(Role.AGENT_CPAM, "agent-bornes")
    client.force_login(user)
    return user


def campaign_post(**overrides):
    data = {
        "theme": "Dépistage",
        "portee": "locale",
        "departement": "00",
        "professions": ["infirmier"],
        "canaux": ["visite"],
        "debut": "2025-01-01",
        "fin": "2025-12-31",
    }
    data.update(overrides)
    return data


def errors_of(response, field):
    return " ".join(response.context["form"].errors.get(field, []))


def test_campaign_on_an_unknown_commune_is_refused(client, agent):
    response = client.post(reverse("outreach:campaign_new"), campaign_post(commune="99999"))
    assert response.status_code == 200 and not Campaign.objects.exists()
    assert "absente du référentiel" in errors_of(response, "commune")
    assert 'value="99999"' in response.content.decode()


def test_campaign_on_a_commune_of_another_departement_is_refused(client, agent):
    response = client.post(reverse("outreach:campaign_new"), campaign_post(commune="99001"))
    assert "n'est pas dans le département" in errors_of(response, "commune")


def test_campaign_indicator_year_and_threshold_are_bounded(client, agent):
    response = client.post(
        reverse("outreach:campaign_new"),
        campaign_post(annee_indicateur="1800", seuil="1e300"),
    )
    assert not Campaign.objects.exists()
    assert "1900" in errors_of(response, "annee_indicateur")
    assert errors_of(response, "seuil")
    html = response.content.decode()
    assert 'value="1800"' in html and 'value="1e300"' in html


def test_campaign_criteria_read_as_a_sentence(client, agent):
    response = client.post(
        reverse("outreach:campaign_new"), campaign_post(commune="00001", liberal="on")
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    line = re.search(r"Critères de la liste : (.*?)</p>", page).group(1)
    assert "{" not in line and "[" not in line and "None" not in line
    assert "Infirmier" in line and "exercice libéral uniquement" in line
    assert "(00001)" in line and "visite" in line


def test_negative_payment_on_a_professional_contract_is_refused(client, agent):
    p = professional(category="infirmier")
    contract = services.create_contract(
        p, "00", "infirmier", dt.date(2025, 3, 1), {"cle": "autre_installation"}
    )
    url = reverse("outreach:contract", args=[contract.pk])
    response = client.post(url, {"date": "2025-03-15", "montant": "-50"})
    assert response.status_code == 200 and not Payment.objects.exists()
    assert "positif" in errors_of(response, "montant")
    assert 'value="-50"' in response.content.decode()
    year = client.post(url, {"date": "1800-03-15", "montant": "50"})
    assert "1900" in errors_of(year, "date") and not Payment.objects.exists()


def test_contract_zone_is_chosen_by_label(client, agent):
    html = client.get(reverse("outreach:contracts")).content.decode()
    select = html[html.index('name="zone"') : html.index("</select>", html.index('name="zone"'))]
    assert ">zone très sous-dotée<" in select and ">hors zonage<" in select
    assert "tres_sous_dotee<" not in select and "(ZIP, ZAC, tres_sous_dotee" not in html


def test_contract_days_per_week_are_bounded(client, agent):
    p = professional()
    response = client.post(
        reverse("outreach:contracts"),
        {
            "rpps": p.identifiant_national,
            "kind": "caim",
            "date_signature": "2025-03-01",
            "jours": "40",
        },
    )
    assert "7" in errors_of(response, "jours")


def test_installation_check_error_is_shown_at_its_row(client, agent):
    p = professional(category="infirmier")
    installation, _ = services.create_installation(p, "00", dt.date(2025, 9, 1))
    response = client.post(
        reverse("outreach:installation_check", args=[installation.pk]),
        {"controle_date": "", "controle_resultat": "conforme"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    row = html[html.index(f'id="cd-{installation.pk}-erreur"') - 400 :]
    assert "Date :" in row and "obligatoire" in row
    assert not list(response.context["messages"])
