"""Erasure and retention reach every copy of the data (issue 11 item 2).

After « effacer », and after ``maillage outreach purger``, the texts an agent typed about a
professional are found in no table of the database — not in the rows, not in the model
history, not in the audit events — and the access log no longer names the professional. The
tests read every table of the database rather than the tables the code is known to write.
"""

import datetime as dt

import pytest
from click.testing import CliRunner
from django.db import connection
from django.urls import reverse

from maillage.cli import main
from maillage.engine.sources.errors import SourceError
from maillage.web.accounts.audit import record_change
from maillage.web.accounts.models import AccessLog, AuditEntry
from maillage.web.accounts.roles import Role
from maillage.web.outreach.importers import import_contacts
from maillage.web.outreach.models import Contact, Contract, FollowUp, Installation, Webinar
from maillage.web.outreach.privacy import retention_limit

from .factories import make_user, professional

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()
# Tables that hold the public RPPS referential itself (not outreach data), and sessions.
REFERENTIAL = {"supply_professional", "supply_historicalprofessional", "django_session"}


def database_text() -> dict[str, str]:
    """Every table of the database, each as one text of all its rows."""
    texts = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            texts[table] = "\n".join(repr(row) for row in cursor.fetchall())
    return texts


def tables_holding(text: str) -> set[str]:
    return {table for table, content in database_text().items() if text in content}


def _contact(client, rpps, day=TODAY, **extra):
    return client.post(
        reverse("outreach:contact_new"),
        {
            "rpps": rpps,
            "canal": "visite",
            "date": day.isoformat(),
            "equipe": "DAM",
            "resultat": "realise",
            **extra,
        },
    )


@pytest.fixture
def agent_client(client, demo_territory):
    client.force_login(make_user(Role.AGENT_CPAM, "agent-00"))
    return client


def test_erasure_leaves_no_copy_in_history_events_or_access_log(agent_client, client):
    p = professional(nom="EFFACEMOI")
    rpps = p.identifiant_national
    other = professional(nom="GARDEMOI")
    c = agent_client
    assert (
        _contact(
            c,
            rpps,
            sujet="SUJET-SECRET-41",
            commentaire="COMMENTAIRE-SECRET-42",
            suite="SUITE-SECRET-43",
            suite_echeance=TODAY.isoformat(),
        ).status_code
        == 302
    )
    _contact(c, other.identifiant_national, sujet="SUJET-AUTRE-51")
    follow_up = FollowUp.objects.get(libelle="SUITE-SECRET-43")
    c.post(reverse("outreach:follow_up_done", args=[follow_up.pk]))
    c.post(reverse("outreach:installations"), {"rpps": rpps, "date_installation": "2026-01-05"})
    installation = Installation.objects.get(professional=p)
    c.post(reverse("outreach:milestone_done", args=[installation.jalons.first().pk]))
    c.post(
        reverse("outreach:installation_check", args=[installation.pk]),
        {
            "controle_date": TODAY.isoformat(),
            "controle_resultat": "anomalies",
            "controle_commentaire": "CONTROLE-SECRET-44",
        },
    )
    c.post(
        reverse("outreach:webinars"),
        {
            "titre": "e-CPS",
            "date": TODAY.isoformat(),
            "equipe": "DNS",
            "departement": "00",
            "participants": rpps,
            "participants_non_identifies": 0,
        },
    )
    c.post(
        reverse("outreach:contracts"),
        {
            "rpps": rpps,
            "kind": "infirmier",
            "date_signature": "2025-03-01",
            "cle": "autre_installation",
        },
    )
    # Reads: the file, the GDPR export, a search, the lists.
    c.get(reverse("outreach:professional", args=[rpps]))
    c.get(reverse("outreach:professional_export", args=[rpps, "csv"]))
    c.get(reverse("outreach:search") + "?q=EFFACEMOI")
    c.get(reverse("outreach:index"))
    # An audit entry written before the model history, with a full snapshot.
    record_change(None, follow_up.contact, "creation", after={"commentaire": "ANCIEN-SECRET-45"})
    secrets = [
        f"{kind}-SECRET-{n}"
        for kind, n in [
            ("SUJET", 41),
            ("COMMENTAIRE", 42),
            ("SUITE", 43),
            ("CONTROLE", 44),
            ("ANCIEN", 45),
        ]
    ]
    for secret in secrets:
        assert tables_holding(secret), secret  # the scenario did write them
    assert "accounts_accesslog" in tables_holding(rpps)

    admin = make_user(Role.ADMINISTRATEUR, "admin-rgpd")
    client.force_login(admin)
    response = client.post(reverse("outreach:professional_erase", args=[rpps]))
    assert response.status_code == 302

    for secret in secrets:
        assert tables_holding(secret) == set(), secret
    assert tables_holding(rpps) <= REFERENTIAL
    assert tables_holding("EFFACEMOI") <= REFERENTIAL
    # What is kept: the contract (accounting), the other professional's data, and the journal
    # of who read what — under a pseudonym that names the erasure, not the person.
    assert Contract.objects.filter(professional=p).count() == 1
    assert tables_holding("SUJET-AUTRE-51")
    erasure = AuditEntry.objects.get(action="effacement")
    pseudonym = f"effacement-{erasure.pk}"
    assert erasure.user == admin and erasure.object_id == pseudonym
    assert AccessLog.objects.filter(rpps=pseudonym).count() >= 4
    assert not Contact.objects.filter(professional=p).exists()
    assert not Webinar.objects.get().contacts.exists()


def test_purge_removes_expired_contacts_from_history_and_events(agent_client):
    p = professional(nom="ANCIEN")
    limit = retention_limit()
    old = Contact.objects.create(
        professional=p,
        departement_id="00",
        canal="visite",
        date=limit - dt.timedelta(days=1),
        equipe="DAM",
        sujet="PERIME-SECRET-61",
    )
    old.commentaire = "PERIME-SECRET-62"
    old.save()
    FollowUp.objects.create(contact=old, libelle="PERIME-SECRET-63", echeance=limit)
    record_change(None, old, "modification", after={"commentaire": "PERIME-SECRET-64"})
    kept = Contact.objects.create(
        professional=p,
        departement_id="00",
        canal="visite",
        date=limit,
        equipe="DAM",
        sujet="GARDE-61",
    )
    secrets = [f"PERIME-SECRET-{n}" for n in (61, 62, 63, 64)]
    assert all(tables_holding(s) for s in secrets)

    dry = CliRunner().invoke(main, ["outreach", "purger", "--dry-run"])
    assert dry.exit_code == 0 and all(tables_holding(s) for s in secrets)
    result = CliRunner().invoke(main, ["outreach", "purger"])
    assert result.exit_code == 0, result.output
    assert "1 contacts, 1 suites supprimés" in result.output

    for secret in secrets:
        assert tables_holding(secret) == set(), secret
    assert list(Contact.objects.all()) == [kept]
    assert kept.history.count() == 1 and tables_holding("GARDE-61")
    assert AuditEntry.objects.filter(action="purge").count() == 1


def test_a_contact_dated_before_the_retention_window_is_refused_at_entry(agent_client, tmp_path):
    p = professional()
    rpps = p.identifiant_national
    limit = retention_limit()
    too_old = limit - dt.timedelta(days=1)
    refused = _contact(agent_client, rpps, too_old, sujet="x")
    assert refused.status_code == 200
    assert "durée de conservation" in refused.content.decode()
    webinar = agent_client.post(
        reverse("outreach:webinars"),
        {
            "titre": "ancien",
            "date": too_old.isoformat(),
            "equipe": "DNS",
            "departement": "00",
            "participants": rpps,
            "participants_non_identifies": 0,
        },
    )
    assert webinar.status_code == 200 and "durée de conservation" in webinar.content.decode()
    assert not Contact.objects.exists() and not Webinar.objects.exists()

    csv_file = tmp_path / "contacts.csv"
    csv_file.write_text(
        f"rpps;date;canal;equipe;sujet\n{rpps};{limit:%d/%m/%Y};visite;DAM;ok\n"
        f"{rpps};{too_old.isoformat()};visite;DAM;trop ancien\n",
        encoding="utf-8",
    )
    with pytest.raises(SourceError) as error:
        import_contacts(csv_file)
    message = str(error.value)
    assert "ligne 3" in message and "date" in message and "conservation" in message
    assert not Contact.objects.exists()

    assert _contact(agent_client, rpps, limit, sujet="juste à temps").status_code == 302
    assert Contact.objects.get().date == limit
