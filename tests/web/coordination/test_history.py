"""The contract and structure history pages read the model history through links (issue 12
§3): changes made on the pages, in the admin or by a coordinator all show, with their author
and the fields they changed, and nothing relies on a free-text tag."""

import pytest
from django.urls import reverse

from maillage.web.accounts.models import AuditEntry, User
from maillage.web.coordination.history import contract_history, dossier_history
from maillage.web.coordination.models import Contract, Mission

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent_client(client, coord_demo, settings, tmp_path):
    from maillage.web.demo import create_demo_accounts

    settings.MEDIA_ROOT = tmp_path
    create_demo_accounts()
    client.force_login(User.objects.get(username="agent"))
    return client


def test_structure_history_shows_dossier_changes_with_coordinators(agent_client):
    contract = Contract.objects.get(kind="cpts")
    dossier = contract.dossier
    coordinator = User.objects.get(username="coordinateur")
    response = agent_client.post(
        reverse("coordination:dossier_edit", args=[dossier.structure_id]),
        {"do-notes": "Point d'étape en mars", "do-coordinateurs": [coordinator.pk]},
    )
    assert response.status_code == 302
    changes = [c for c in dossier_history(dossier) if c.kind == "dossier de structure"]
    notes = [c for c in changes if c.after and "notes" in c.after]
    assert notes and notes[0].username == "agent"
    assert notes[0].after["notes"] == "Point d'étape en mars"
    page = agent_client.get(reverse("coordination:structure", args=[dossier.structure_id]))
    text = page.content.decode()
    assert "dossier de structure" in text.lower() and "notes" in text


def test_contract_history_reaches_missions_and_deleted_objects(agent_client):
    contract = Contract.objects.get(kind="cpts")
    mission = Mission.objects.filter(contrat=contract).first()
    mission.montants_motif = "avenant n° 2"
    mission.save()
    deleted_pk = mission.pk
    mission.delete()
    rows = contract_history(contract)
    mine = [(c.action, c.kind) for c in rows if c.object_id == str(deleted_pk)]
    assert ("modification", "mission") in mine and ("suppression", "mission") in mine
    assert not AuditEntry.objects.filter(comment__startswith="contrat #").exists()
    page = agent_client.get(reverse("coordination:contrat", args=[contract.pk]))
    assert page.status_code == 200 and "suppression" in page.content.decode()
    exported = agent_client.get(reverse("coordination:audit_csv", args=[contract.pk]))
    assert "no-store" in exported["Cache-Control"]
    assert "avenant n° 2" in exported.content.decode()
