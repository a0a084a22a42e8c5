"""Every coordination page and endpoint × every role: denied unless allowed.

Roles: anonymous, the 5 roles (the coordinator and the agent are the demo ones, linked to the
demo CPTS / département "00"), a coordinator of another structure and an agent of another
département.
"""

import pytest
from django.urls import reverse

from maillage.web.accounts.models import User
from maillage.web.accounts.roles import Role
from maillage.web.coordination.models import Contract, Document, Event, Mission, Result
from maillage.web.supply.models import Structure

from .conftest import make_user

pytestmark = pytest.mark.django_db

ACTORS = [
    "anonyme",
    "public",
    "professionnel",
    "coordinateur",
    "agent",
    "admin",
    "coordinateur_autre",
    "agent_autre",
]
VIEW_OWN = {"coordinateur", "agent", "admin"}
STAFF_OWN = {"agent", "admin"}


@pytest.fixture
def world(coord_demo, other_departement, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    from maillage.web.demo import create_demo_accounts

    create_demo_accounts()
    users = {
        "public": make_user("pub", Role.PUBLIC),
        "professionnel": User.objects.get(username="professionnel"),
        "coordinateur": User.objects.get(username="coordinateur"),
        "agent": User.objects.get(username="agent"),
        "admin": User.objects.get(username="admin"),
        "coordinateur_autre": make_user("coord2", Role.COORDINATEUR),
        "agent_autre": make_user("agent2", Role.AGENT_CPAM, [other_departement]),
    }
    contract = Contract.objects.filter(kind="cpts").first()
    other = Structure.objects.filter(kind="CPTS").exclude(pk=contract.dossier.structure_id).first()
    other.dossier.coordinateurs.add(users["coordinateur_autre"])
    from django.core.files.base import ContentFile

    event = Event.objects.filter(dossier=contract.dossier).first()
    doc = Document.objects.create(
        evenement=event, titre="lettre", fichier=ContentFile(b"%PDF-1.4 demo", name="lettre.pdf")
    )
    result = Result.objects.filter(indicateur__mission__contrat=contract).first()
    result.statut = "saisi"
    result.save()
    from maillage.web.coordination.models import Payment

    return {
        "payment": Payment.objects.filter(contrat=contract).first(),
        "users": users,
        "contract": contract,
        "doc": doc,
        "result": result,
        "mission": Mission.objects.filter(contrat=contract).first(),
    }


def _client(client, world, actor):
    if actor != "anonyme":
        client.force_login(world["users"][actor])
    return client


def pages(world):
    c, s = world["contract"], world["contract"].dossier.structure_id
    return [
        (
            "coordination:index",
            (),
            {"coordinateur", "agent", "admin", "coordinateur_autre", "agent_autre"},
        ),
        ("coordination:departement", ("00",), STAFF_OWN),
        ("coordination:region", ("00",), STAFF_OWN),
        ("coordination:structure", (s,), VIEW_OWN),
        ("coordination:document", (world["doc"].pk,), VIEW_OWN),
        ("coordination:contrat", (c.pk,), VIEW_OWN),
        ("coordination:export", (c.pk, "csv"), VIEW_OWN),
        ("coordination:export", (c.pk, "xlsx"), VIEW_OWN),
        ("coordination:audit_csv", (c.pk,), VIEW_OWN),
    ]


@pytest.mark.parametrize("actor", ACTORS)
def test_pages(client, world, actor):
    _client(client, world, actor)
    for name, args, allowed in pages(world):
        response = client.get(reverse(name, args=args))
        if response.streaming:
            # Consuming the content closes the file through the test client's wrapper; an
            # explicit close() would fire request_finished and close the database connection
            # inside the test transaction (PostgreSQL).
            b"".join(response.streaming_content)
        if actor in allowed:
            assert response.status_code == 200, (name, actor)
        elif actor == "anonyme":
            assert response.status_code == 302 and "/connexion/" in response["Location"], name
        else:
            assert response.status_code == 403, (name, actor, response.status_code)


def endpoints(world):
    c, s = world["contract"], world["contract"].dossier.structure_id
    m = world["mission"]
    return [
        ("coordination:event_add", (s,), {"kind": "avenant", "date": "2024-06-01"}, STAFF_OWN),
        ("coordination:member_add", (s,), {"categorie": "infirmier", "nom": "X"}, VIEW_OWN),
        ("coordination:dossier_edit", (s,), {"notes": "n"}, STAFF_OWN),
        (
            "coordination:contract_add",
            (s,),
            {"kind": "cpts", "date_signature": "2028-04-03"},
            STAFF_OWN,
        ),
        (
            "coordination:contract_edit",
            (c.pk,),
            {"kind": "cpts", "date_signature": "2023-04-03"},
            STAFF_OWN,
        ),
        (
            "coordination:mission_add",
            (c.pk,),
            {"code": "qualite_pertinence", "part_fixe": "1", "montants_motif": "test"},
            STAFF_OWN,
        ),
        (
            "coordination:mission_edit",
            (m.pk,),
            {"code": m.code, "part_fixe": "1", "montants_motif": "test"},
            STAFF_OWN,
        ),
        ("coordination:indicator_add", (m.pk,), {}, STAFF_OWN),
        (
            "coordination:result_add",
            (c.pk,),
            {"indicateur": world["result"].indicateur_id, "annee_contrat": 2, "valeur": "1"},
            VIEW_OWN,
        ),
        ("coordination:result_validate", (world["result"].pk,), {}, STAFF_OWN),
        (
            "coordination:dialogue_add",
            (c.pk,),
            {"annee_contrat": 2, "date": "2025-05-01"},
            STAFF_OWN,
        ),
        ("coordination:payment_add", (c.pk,), {"date": "2025-01-01", "montant": "1"}, STAFF_OWN),
        ("coordination:payment_delete", (world["payment"].pk,), {}, STAFF_OWN),
        ("coordination:exercise_add", (c.pk,), {"annee": 2024, "patientele": 1}, STAFF_OWN),
        ("coordination:criterion_add", (c.pk,), {}, STAFF_OWN),
    ]


@pytest.mark.parametrize("actor", ACTORS)
def test_post_endpoints(client, world, actor):
    _client(client, world, actor)
    for name, args, data, allowed in endpoints(world):
        response = client.post(reverse(name, args=args), data)
        if actor in allowed:
            # Saved (back to the page) or refused by the form (page shown again with errors).
            saved = response.status_code == 302 and "/connexion/" not in response["Location"]
            assert saved or response.status_code == 422, (name, actor, response.status_code)
        elif actor == "anonyme":
            assert response.status_code == 302 and "/connexion/" in response["Location"], name
        else:
            assert response.status_code == 403, (name, actor, response.status_code)


@pytest.mark.parametrize("actor", ACTORS)
def test_api(client, world, actor):
    _client(client, world, actor)
    c = world["contract"]
    figures = client.get("/api/exercice-coordonne/departements/00/chiffres?annee=2024")
    schedule = client.get(f"/api/exercice-coordonne/contrats/{c.pk}/echeancier?annee=2024")
    expected_figures = 200 if actor in STAFF_OWN else (401 if actor == "anonyme" else 403)
    expected_schedule = 200 if actor in VIEW_OWN else (401 if actor == "anonyme" else 403)
    assert figures.status_code == expected_figures, actor
    assert schedule.status_code == expected_schedule, actor


def test_coordinator_sees_only_own_structure(client, world):
    client.force_login(world["users"]["coordinateur"])
    page = client.get(reverse("coordination:index")).content.decode()
    assert world["contract"].dossier.structure.nom in page
    other = (
        Structure.objects.filter(kind="CPTS")
        .exclude(pk=world["contract"].dossier.structure_id)
        .first()
    )
    assert other.nom not in page
