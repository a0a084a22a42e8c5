"""The campaign target list: filter, sort, pages, CSV/XLSX export, contact details, logged reads
and staff only (issue 13, item 7)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from maillage.web.accounts.models import AccessLog
from maillage.web.accounts.roles import Role
from maillage.web.outreach import services, target_list
from maillage.web.outreach.models import Campaign, Contact
from maillage.web.supply.models import Professional

from .factories import make_user, professional

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(demo_territory):
    doctors = [professional(nom=f"MEDECIN{n:03d}", commune="00001") for n in range(60)]
    nurses = [professional("infirmier", "00002", nom=f"INFIRMIER{n:03d}") for n in range(10)]
    campaign = Campaign.objects.create(
        theme="Dépistage",
        portee="locale",
        departement_id="00",
        professions=["medecin_generaliste", "infirmier"],
        debut=dt.date(2025, 1, 1),
        fin=dt.date(2025, 12, 31),
    )
    services.set_targets(
        campaign, Professional.objects.filter(pk__in=[p.pk for p in doctors + nurses])
    )
    Contact.objects.create(
        professional=nurses[0],
        departement_id="00",
        canal="visite",
        date=dt.date(2025, 2, 1),
        campagne=campaign,
        equipe="DAM",
    )
    return campaign


def _url(campaign, **query):
    from django.utils.http import urlencode

    return reverse("outreach:campaign", args=[campaign.pk]) + (
        "?" + urlencode(query) if query else ""
    )


def _agent(client):
    user = make_user(Role.AGENT_CPAM)
    client.force_login(user)
    return user


def test_the_list_is_paged_and_only_the_page_shown_is_logged(client, campaign):
    agent = _agent(client)
    page = client.get(_url(campaign))
    assert page.status_code == 200
    rows = page.context["page"]
    assert rows.paginator.count == 70 and len(rows.object_list) == target_list.PAGE_SIZE
    assert "page 1 sur 2" in page.content.decode()
    logged = AccessLog.objects.filter(user=agent, subject="campagne-cibles").count()
    assert logged == target_list.PAGE_SIZE
    second = client.get(_url(campaign, page=2))
    assert len(second.context["page"].object_list) == 20


def test_filters_combine_and_keep_the_sort(client, campaign):
    _agent(client)
    nurses = client.get(_url(campaign, profession="infirmier", tri="nom", ordre="desc"))
    names = [t.professional.nom for t in nurses.context["page"].object_list]
    assert names == sorted(names, reverse=True) and len(names) == 10
    assert all(n.startswith("INFIRMIER") for n in names)
    contacted = client.get(_url(campaign, contacte="oui"))
    assert [t.professional.nom for t in contacted.context["page"].object_list] == ["INFIRMIER000"]
    by_name = client.get(_url(campaign, q="medecin05"))
    assert by_name.context["page"].paginator.count == 10
    html = by_name.content.decode()
    # The place of practice is shown (contact details), and sort links keep the filter.
    assert "Lieu d'exercice" in html and "q=medecin05&amp;tri=profession" in html


def test_a_wrong_sort_is_a_french_400(client, campaign):
    _agent(client)
    response = client.get(_url(campaign, tri="rpps; drop"))
    assert response.status_code == 400
    assert "tri" in response.content.decode()


def test_exports_follow_the_filter_and_are_logged(client, campaign):
    agent = _agent(client)
    response = client.get(_url(campaign, profession="infirmier", format="csv"))
    text = response.content.decode("utf-8-sig")
    lines = [line for line in text.splitlines() if line.startswith("81")]
    assert len(lines) == 10 and all(";infirmier;" in line for line in lines)
    assert "Commune d'exercice" in text
    exported = AccessLog.objects.filter(user=agent, purpose__contains="export csv").count()
    assert exported == 10
    workbook = load_workbook(io.BytesIO(client.get(_url(campaign, format="xlsx")).content))
    sheet = workbook.active
    identifiers = [row[0] for row in sheet.iter_rows(values_only=True) if row[0]]
    assert sum(1 for value in identifiers if str(value).startswith("81")) == 70


@pytest.mark.parametrize("role", [None, Role.PROFESSIONNEL, Role.COORDINATEUR])
def test_non_staff_cannot_read_or_export_the_list(client, campaign, role):
    if role is not None:
        client.force_login(make_user(role))
    for query in ({}, {"format": "csv"}):
        response = client.get(_url(campaign, **query))
        assert response.status_code in (302, 403)
        assert b"MEDECIN000" not in response.content
