"""The coordination list pages cost a fixed number of queries, whatever the number of
structures and contracts they list (no query per row: stages from prefetched events, contract
reports from prefetched missions, indicators, results, dialogues and perimeters)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from maillage.web.accounts.models import User
from maillage.web.coordination.models import Contract, Dossier, Event, Mission
from maillage.web.supply.models import Structure, StructureCommune

pytestmark = pytest.mark.django_db

PAGES = [
    ("coordination:index", ()),
    ("coordination:departement", ("00",)),
    ("coordination:region", ("00",)),
]


def add_cpts(n: int) -> None:
    """``n`` more CPTS of the demo département, each with a dossier, events, a perimeter, a
    signed contract and a mission."""
    for i in range(n):
        structure = Structure.objects.create(
            kind="CPTS", identifiant=f"CPTS-TEST-{i}", nom=f"CPTS test {i}", commune_id="00001"
        )
        StructureCommune.objects.create(structure=structure, commune_id="00002")
        dossier = Dossier.objects.create(structure=structure)
        Event.objects.create(dossier=dossier, kind=Event.Kind.ACI_SIGNE, date=dt.date(2023, 3, 1))
        contract = Contract.objects.create(
            dossier=dossier, kind="cpts", date_signature=dt.date(2023, 3, 1)
        )
        Mission.objects.create(
            contrat=contract, code="acces_aux_soins", part_fixe=10000, part_variable=10000
        )


def count(client, name, args) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse(name, args=args), {"annee": 2024} if args else {})
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(("name", "args"), PAGES)
def test_list_pages_do_not_query_per_row(client, coord_demo, name, args):
    from maillage.web.demo import create_demo_accounts

    create_demo_accounts()
    client.force_login(User.objects.get(username="agent"))
    count(client, name, args)  # warm the caches (parameters, profession table)
    before = count(client, name, args)
    add_cpts(6)
    after = count(client, name, args)
    assert after == before, f"{name}: {before} requêtes avec la démo, {after} avec 6 CPTS de plus"


@pytest.mark.parametrize(
    ("name", "args", "ceiling"), [(*p, c) for p, c in zip(PAGES, (20, 45, 45), strict=True)]
)
def test_list_pages_stay_under_their_query_budget(
    client, coord_demo, django_assert_max_num_queries, name, args, ceiling
):
    from maillage.web.demo import create_demo_accounts

    create_demo_accounts()
    add_cpts(6)
    client.force_login(User.objects.get(username="agent"))
    with django_assert_max_num_queries(ceiling):
        response = client.get(reverse(name, args=args), {"annee": 2024} if args else {})
    assert response.status_code == 200
