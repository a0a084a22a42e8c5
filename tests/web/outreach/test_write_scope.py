"""Every outreach write checks the scope of every object it touches (issue 11 item 1).

An agent of département 99 must not create or change anything in département 00's data, even
by naming professionals of 00 in a form field other than the main object (webinar
participants); and the answer for an RPPS number outside the agent's scope is exactly the
answer for a number that does not exist, so that forms cannot be used to probe the referential.
"""

import datetime as dt

import pytest
from django.urls import reverse

from maillage.web.accounts.roles import Role
from maillage.web.outreach.models import Contact, Contract, FollowUp, Installation, Webinar
from maillage.web.supply.models import Activity

from .factories import make_user, other_departement, professional

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()
UNKNOWN = "81999999999"


@pytest.fixture
def world(demo_territory):
    other_departement()
    inside_00 = [professional(nom=f"ZEROZERO{i}") for i in range(3)]
    inside_99 = professional(nom="NEUFNEUF", commune="99001")
    agent_99 = make_user(Role.AGENT_CPAM, "agent-99", departements=("99",))
    return {"p00": inside_00, "p99": inside_99, "agent": agent_99}


def _webinar(client, departement, participants):
    return client.post(
        reverse("outreach:webinars"),
        {
            "titre": "e-CPS",
            "date": TODAY.isoformat(),
            "equipe": "DNS",
            "departement": departement,
            "participants": "\n".join(participants),
            "participants_non_identifies": 0,
        },
    )


def _errors(response) -> list[str]:
    form = response.context["form"]
    return [str(e) for errors in form.errors.values() for e in errors]


def test_webinar_participants_of_another_departement_are_refused(client, world):
    client.force_login(world["agent"])
    others = [p.identifiant_national for p in world["p00"]]
    response = _webinar(client, "99", others)
    assert response.status_code == 200
    assert not Contact.objects.filter(departement_id="00").exists()
    assert not Webinar.objects.exists()
    # The same answer, word for word, as for numbers that exist nowhere.
    unknown = _webinar(client, "99", [UNKNOWN, "81999999998", "81999999997"])
    assert _errors(response) == [
        e.replace("81999999999", others[0])
        .replace("81999999998", others[1])
        .replace("81999999997", others[2])
        for e in _errors(unknown)
    ]


def test_webinar_with_own_participants_records_their_contacts_in_scope(client, world):
    client.force_login(world["agent"])
    response = _webinar(client, "99", [world["p99"].identifiant_national])
    assert response.status_code == 302
    assert list(Contact.objects.values_list("departement_id", flat=True)) == ["99"]


def test_webinar_mixing_in_and_out_of_scope_creates_nothing(client, world):
    client.force_login(world["agent"])
    mixed = [world["p99"].identifiant_national, world["p00"][0].identifiant_national]
    response = _webinar(client, "99", mixed)
    assert response.status_code == 200
    assert not Contact.objects.exists() and not Webinar.objects.exists()


FORMS = {
    "contact": (
        "outreach:contact_new",
        {
            "canal": "visite",
            "date": TODAY.isoformat(),
            "equipe": "DAM",
            "sujet": "accueil",
            "resultat": "realise",
            "suite": "rappeler",
            "suite_echeance": TODAY.isoformat(),
        },
    ),
    "installation": ("outreach:installations", {"date_installation": TODAY.isoformat()}),
    "contract": (
        "outreach:contracts",
        {"kind": "infirmier", "date_signature": "2025-03-01", "cle": "autre_installation"},
    ),
}


@pytest.mark.parametrize("form", FORMS)
def test_out_of_scope_rpps_is_answered_like_an_unknown_one(client, world, form):
    client.force_login(world["agent"])
    name, payload = FORMS[form]
    outside = client.post(reverse(name), {**payload, "rpps": world["p00"][0].identifiant_national})
    unknown = client.post(reverse(name), {**payload, "rpps": UNKNOWN})
    assert outside.status_code == unknown.status_code == 200
    assert _errors(outside) == _errors(unknown) != []
    assert not Contact.objects.exists() and not FollowUp.objects.exists()
    assert not Installation.objects.exists() and not Contract.objects.exists()


@pytest.mark.parametrize("form", FORMS)
def test_in_scope_rpps_is_accepted(client, world, form):
    client.force_login(world["agent"])
    name, payload = FORMS[form]
    response = client.post(reverse(name), {**payload, "rpps": world["p99"].identifiant_national})
    assert response.status_code == 302
    model = {"contact": Contact, "installation": Installation, "contract": Contract}[form]
    assert list(model.objects.values_list("departement_id", flat=True)) == ["99"]


def test_a_professional_practising_in_both_is_recorded_in_the_agents_departement(client, world):
    """Main practice in 00, secondary in 99: the agent of 99 finds them in the search, and the
    contact they record belongs to 99 (their scope), never to 00."""
    both = world["p00"][0]
    Activity.objects.create(professional=both, commune_id="99001", mode_exercice="S")
    client.force_login(world["agent"])
    found = client.get(reverse("outreach:search") + "?q=ZEROZERO0").json()["results"]
    assert [r["rpps"] for r in found] == [both.identifiant_national]
    response = client.post(
        reverse("outreach:contact_new"),
        {**FORMS["contact"][1], "rpps": both.identifiant_national},
    )
    assert response.status_code == 302
    assert list(Contact.objects.values_list("departement_id", flat=True)) == ["99"]
