"""A professional's outreach file shows only what the reader's scope holds (issue 11 item 1,
the read side of the same rule): an agent whose département is a professional's secondary
place of practice sees and exports the records of their own département, never those of the
main one; for a professional practising nowhere in their scope, the answer is the answer for
a number that does not exist."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from maillage.web.accounts.roles import Role
from maillage.web.outreach.models import Contact
from maillage.web.supply.models import Activity

from .factories import make_user, other_departement, professional

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()


def _contact(p, departement, sujet):
    return Contact.objects.create(
        professional=p,
        departement_id=departement,
        canal="visite",
        date=TODAY,
        equipe="DAM",
        sujet=sujet,
    )


@pytest.fixture
def world(client, demo_territory):
    other_departement()
    both = professional(nom="DEUXLIEUX")
    Activity.objects.create(professional=both, commune_id="99001", mode_exercice="S")
    only_00 = professional(nom="SEULEMENTZERO")
    _contact(both, "00", "SUJET-DU-00")
    _contact(both, "99", "SUJET-DU-99")
    _contact(only_00, "00", "AUTRE-DU-00")
    client.force_login(make_user(Role.AGENT_CPAM, "agent-99", departements=("99",)))
    return {"both": both, "only_00": only_00}


def test_file_and_export_hold_only_the_readers_departement(client, world):
    rpps = world["both"].identifiant_national
    page = client.get(reverse("outreach:professional", args=[rpps]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "SUJET-DU-99" in text and "SUJET-DU-00" not in text
    for fmt in ("json", "csv"):
        export = client.get(reverse("outreach:professional_export", args=[rpps, fmt]))
        body = export.content.decode()
        assert "SUJET-DU-99" in body and "SUJET-DU-00" not in body, fmt


def unmasked(content: bytes) -> bytes:
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]*"', b"", content)


def test_a_professional_outside_the_scope_looks_like_an_unknown_number(client, world):
    outside = world["only_00"].identifiant_national
    for name, args in (
        ("outreach:professional", [outside]),
        ("outreach:professional_export", [outside, "json"]),
    ):
        there = client.get(reverse(name, args=args))
        nowhere = client.get(reverse(name, args=["81999999999", *args[1:]]))
        assert there.status_code == nowhere.status_code == 404
        # The same page, byte for byte, but for the per-response mask of the CSRF token.
        assert unmasked(there.content) == unmasked(nowhere.content)
        assert "SEULEMENTZERO" not in there.content.decode()
