"""Linking a member to the RPPS referential stays within the structure's territory (issue 11
item 1): the form fills in the member's name, so a number outside the territory is answered
exactly like a number that does not exist."""

import pytest
from django.urls import reverse

from maillage.web.accounts.models import User
from maillage.web.coordination.models import Contract, Member
from maillage.web.supply.models import Activity, Professional
from maillage.web.territories.models import Commune

pytestmark = pytest.mark.django_db


def _professional(rpps, commune):
    p = Professional.objects.create(
        identifiant_national=rpps,
        type_identifiant="8",
        nom="LOINTAIN",
        prenom="Jo",
        code_profession="60",
        categorie="infirmier",
    )
    Activity.objects.create(professional=p, commune=commune, mode_exercice="L")
    return p


@pytest.fixture
def world(coord_demo, other_departement):
    from maillage.web.demo import create_demo_accounts

    create_demo_accounts()
    far = Commune.objects.create(
        code="98001", nom="Loin", departement=other_departement, region=other_departement.region
    )
    return {
        "contract": Contract.objects.get(kind="cpts"),
        "far": _professional("810000000077", far),
        "near": _professional("810000000078", Commune.objects.get(code="00001")),
    }


@pytest.mark.parametrize("username", ["coordinateur", "agent", "admin"])
def test_member_outside_the_territory_is_answered_like_an_unknown_number(client, world, username):
    client.force_login(User.objects.get(username=username))
    dossier = world["contract"].dossier
    url = reverse("coordination:member_add", args=[dossier.structure_id])
    before = Member.objects.count()
    outside = client.post(url, {"mb-rpps": world["far"].identifiant_national}, follow=True)
    unknown = client.post(url, {"mb-rpps": "810000000099"}, follow=True)

    def errors(response):
        return response.context["member_form"].errors

    assert errors(outside) == errors(unknown) != []
    assert Member.objects.count() == before
    assert "LOINTAIN" not in outside.content.decode()
    client.post(url, {"mb-rpps": world["near"].identifiant_national})
    assert dossier.membres.filter(professional=world["near"]).exists()
