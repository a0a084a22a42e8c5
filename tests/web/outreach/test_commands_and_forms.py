"""CLI commands of outreach (contact import, purge, installations) and the webinar form."""

import datetime as dt

import pytest
from click.testing import CliRunner
from django.urls import reverse

from maillage.cli import main
from maillage.web.accounts.roles import Role
from maillage.web.outreach.models import Contact, Installation, Webinar

from .factories import make_user, professional, rpps_import

pytestmark = pytest.mark.django_db


def test_import_contacts_command(demo_territory, tmp_path):
    p = professional()
    good = tmp_path / "c.csv"
    good.write_text(
        f"rpps,date,canal,equipe\n{p.identifiant_national},2025-01-02,visite,DAM\n",
        encoding="utf-8",
    )
    runner = CliRunner()
    dry = runner.invoke(main, ["import", "contacts", str(good), "--dry-run"])
    assert dry.exit_code == 0 and "simulation" in dry.output and not Contact.objects.exists()
    assert runner.invoke(main, ["import", "contacts", str(good)]).exit_code == 0
    assert Contact.objects.count() == 1
    bad = tmp_path / "bad.csv"
    bad.write_text(
        f"rpps,date,canal,equipe\n{p.identifiant_national},2025-13-02,visite,DAM\n",
        encoding="utf-8",
    )
    result = runner.invoke(main, ["import", "contacts", str(bad)])
    assert result.exit_code == 1 and "ligne 2" in result.output and "« date »" in result.output


def test_purge_and_installations_commands(demo_territory, settings):
    settings.MAILLAGE_CONTACTS_RETENTION_YEARS = 1
    p = professional()
    Contact.objects.create(
        professional=p,
        departement_id="00",
        canal="visite",
        date=dt.date(2000, 1, 1),
        equipe="DAM",
        sujet="x",
    )
    runner = CliRunner()
    dry = runner.invoke(main, ["outreach", "purger", "--dry-run"])
    assert dry.exit_code == 0 and "1 contacts" in dry.output and Contact.objects.count() == 1
    assert runner.invoke(main, ["outreach", "purger"]).exit_code == 0
    assert not Contact.objects.exists()
    old, new = rpps_import(dt.date(2024, 6, 1)), rpps_import(dt.date(2024, 12, 1))
    professional("infirmier", first=new, last=new)
    professional("infirmier", first=old, last=new)
    result = runner.invoke(main, ["outreach", "installations", "--departement", "00"])
    assert result.exit_code == 0 and result.output.startswith("1 ")
    assert Installation.objects.count() == 1


def test_webinar_with_participants(client, demo_territory):
    client.force_login(make_user(Role.AGENT_CPAM))
    people = [professional() for _ in range(3)]
    response = client.post(
        reverse("outreach:webinars"),
        {
            "titre": "Ordonnance numérique",
            "date": "2025-05-05",
            "equipe": "DAM",
            "departement": "00",
            "participants": "\n".join(p.identifiant_national for p in people),
            "participants_non_identifies": 9,
        },
    )
    assert response.status_code == 302
    webinar = Webinar.objects.get()
    assert webinar.contacts.count() == 3 and webinar.participants_non_identifies == 9
    unknown = client.post(
        reverse("outreach:webinars"),
        {
            "titre": "x",
            "date": "2025-05-05",
            "equipe": "DAM",
            "departement": "00",
            "participants": "123",
            "participants_non_identifies": 0,
        },
    )
    assert "Identifiants RPPS inconnus dans vos départements : 123" in unknown.content.decode()
