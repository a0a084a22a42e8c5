"""Staff pages and public API of the supply: every role, scope of nominative data, demo."""

from __future__ import annotations

import pytest
from django.urls import reverse

from maillage.web.accounts.models import AccessLog, AuditEntry, User
from maillage.web.accounts.roles import Role, role_group
from maillage.web.supply import services
from maillage.web.supply.demo import load_demo
from maillage.web.supply.models import Activity, Professional, Structure, StructureCommune
from maillage.web.territories.models import Commune, Departement, Region

pytestmark = pytest.mark.django_db
ROLES = [None, *Role]
STAFF = {Role.AGENT_CPAM, Role.ADMINISTRATEUR}


@pytest.fixture
def demo(demo_territory):
    load_demo()


@pytest.fixture
def small(demo_territory):
    """The demo territory with one CPTS: enough for the authorization matrix (fast)."""
    cpts = Structure.objects.create(kind="CPTS", identifiant="CPTS-00-01", nom="CPTS test")
    StructureCommune.objects.create(structure=cpts, commune_id="00001")


def make_user(role, departements=("00",)):
    if role is None:
        return None
    user = User.objects.create_user(username=f"s-{role.name.lower()}", password="x" * 14)
    user.groups.add(role_group(role))
    if role is Role.ADMINISTRATEUR:
        user.is_staff = user.is_superuser = True
        user.save()
    if role is Role.AGENT_CPAM:
        user.departements.set(Departement.objects.filter(code__in=departements))
    return user


def _cpts():
    return Structure.objects.filter(kind="CPTS").order_by("identifiant").first()


PAGES = [
    ("supply:index", lambda: ()),
    ("supply:commune", lambda: ("00001",)),
    ("supply:cpts_new", lambda: ()),
    ("supply:cpts_edit", lambda: (_cpts().pk,)),
]


@pytest.mark.parametrize("role", ROLES, ids=lambda r: getattr(r, "name", "anonyme"))
@pytest.mark.parametrize(("name", "args"), PAGES, ids=[p[0] for p in PAGES])
def test_staff_pages_by_role(client, small, role, name, args):
    user = make_user(role)
    if user:
        client.force_login(user)
    response = client.get(reverse(name, args=args()))
    if role is None:
        assert response.status_code == 302 and "/comptes/" in response["Location"]
    elif role in STAFF:
        assert response.status_code == 200
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("role", ROLES, ids=lambda r: getattr(r, "name", "anonyme"))
def test_public_offer_api(client, small, role):
    user = make_user(role)
    if user:
        client.force_login(user)
    data = client.get("/api/offre/communes/00001").json()
    assert set(data) == {"professionnels", "etablissements", "structures"}
    assert "nom" not in str(data["professionnels"])  # counts only, never names
    assert client.get("/api/offre/communes/99999").status_code == 404


def test_nominative_list_only_within_scope(client, demo):
    prefecture = Commune.objects.get(code=Departement.objects.get(code="00").chef_lieu)
    someone = services.professionals_in([prefecture.code]).first()
    agent = make_user(Role.AGENT_CPAM)
    client.force_login(agent)
    html = client.get(reverse("supply:commune", args=[prefecture.code])).content.decode()
    assert someone.identifiant_national in html and "Liste nominative" in html
    assert AccessLog.objects.filter(user=agent, subject_id=prefecture.code).exists()
    # An agent of another département sees the counts, not the names.
    Region.objects.create(code="99", nom="Autre")
    Departement.objects.create(code="99", nom="Autre", region_id="99")
    other = User.objects.create_user(username="autre", password="x" * 14)
    other.groups.add(role_group(Role.AGENT_CPAM))
    other.departements.set(Departement.objects.filter(code="99"))
    client.force_login(other)
    html = client.get(reverse("supply:commune", args=[prefecture.code])).content.decode()
    assert someone.identifiant_national not in html and "réservée" in html
    assert "Médecin généraliste" in html


def test_exact_counts_only_for_who_may_see_the_records(client, demo):
    """In a commune with 1 to 4 professionals of a category: the agent of the département
    (who sees the names) reads the exact count, an agent of another département « secret
    statistique » — like the public API."""
    exact = {}
    for code in Commune.objects.filter(departement_id="00").values_list("code", flat=True):
        offer = services.commune_offer(Commune.objects.get(code=code), exact=True)
        small = {k: r for k, r in offer["professionnels"].items() if r["effectif"] < 5}
        if small:
            exact = {"code": code, **next(iter(small.items()))[1]}
            break
    assert exact
    agent = make_user(Role.AGENT_CPAM)
    client.force_login(agent)
    html = client.get(reverse("supply:commune", args=[exact["code"]])).content.decode()
    row = html.split(f'<th scope="row">{exact["libelle"]}</th>')[1].split("</tr>")[0]
    assert f">{exact['effectif']}<" in row and "secret statistique" not in row
    Region.objects.create(code="99", nom="Autre")
    Departement.objects.create(code="99", nom="Autre", region_id="99")
    agent.departements.set(Departement.objects.filter(code="99"))
    html = client.get(reverse("supply:commune", args=[exact["code"]])).content.decode()
    row = html.split(f'<th scope="row">{exact["libelle"]}</th>')[1].split("</tr>")[0]
    assert "secret statistique" in row and f">{exact['effectif']}<" not in row
    public = client.get(f"/api/offre/communes/{exact['code']}").json()["professionnels"]
    assert all(r["effectif"] is None or r["effectif"] >= 5 for r in public.values())


def test_agent_cannot_edit_cpts_outside_scope(client, small):
    Region.objects.create(code="99", nom="Autre")
    Departement.objects.create(code="99", nom="Autre", region_id="99")
    other = make_user(Role.AGENT_CPAM, departements=("99",))
    client.force_login(other)
    assert client.get(reverse("supply:cpts_edit", args=[_cpts().pk])).status_code == 403


def test_cpts_form_refuses_overlap_and_saves(client, demo):
    client.force_login(make_user(Role.ADMINISTRATEUR))
    taken = StructureCommune.objects.filter(structure=_cpts()).first().commune_id
    free = list(
        Commune.objects.filter(departement="00")
        .exclude(code__in=StructureCommune.objects.values("commune_id"))
        .order_by("code")
    )
    response = client.post(
        reverse("supply:cpts_new"),
        {"nom": "CPTS test", "identifiant": "CPTS-T", "communes": [taken, free[0].code]},
    )
    assert response.status_code == 200 and "déjà rattachées" in response.content.decode()
    assert not Structure.objects.filter(identifiant="CPTS-T").exists()
    response = client.post(
        reverse("supply:cpts_new"),
        {"nom": "CPTS test", "identifiant": "CPTS-T", "communes": [free[0].code, free[1].code]},
    )
    assert response.status_code == 302
    created = Structure.objects.get(identifiant="CPTS-T")
    assert sorted(created.communes.values_list("code", flat=True)) == sorted(
        [free[0].code, free[1].code]
    )
    assert AuditEntry.objects.filter(object_id=str(created.pk), action="création").exists()


def test_demo_is_consistent_and_idempotent(demo):
    population = sum(Commune.objects.filter(departement="00").values_list("population", flat=True))
    gps = Professional.objects.filter(categorie="medecin_generaliste").count()
    assert 80 <= gps / population * 100_000 <= 100
    nurses = Professional.objects.filter(categorie="infirmier").count()
    assert 150 <= nurses / population * 100_000 <= 190
    assert Structure.objects.filter(kind="CPTS").count() == 3
    assert StructureCommune.objects.values("commune").distinct().count() == (
        StructureCommune.objects.count()
    )  # no commune in two CPTS
    covered = StructureCommune.objects.count()
    assert 0 < covered < Commune.objects.filter(departement="00").count()
    assert Professional.objects.filter(annee_naissance__lte=1965).exists()
    assert services.new_professionals().count() > 0
    report = load_demo()
    assert report.total("créés") == 0 and report.total("mis à jour") == 0


def test_commune_offer_exact_for_staff_protected_for_the_public(demo):
    prefecture = Commune.objects.get(code=Departement.objects.get(code="00").chef_lieu)
    exact = services.commune_offer(prefecture, exact=True)["professionnels"]
    practising = (
        Professional.objects.filter(categorie="medecin_generaliste", activites__commune=prefecture)
        .distinct()
        .count()
    )
    assert exact["medecin_generaliste"]["effectif"] == practising
    assert exact["medecin_generaliste"]["liberaux"] <= practising
    # Public: each professional in the commune of their first practice, small counts secret.
    offer = services.commune_offer(prefecture)
    first, liberal = {}, set()
    for pro, commune, category, mode in Activity.objects.order_by("pk").values_list(
        "professional_id", "commune_id", "professional__categorie", "mode_exercice"
    ):
        first.setdefault(pro, (commune, category))
        if mode == "L":
            liberal.add(pro)
    for category, row in offer["professionnels"].items():
        here = [p for p, (c, k) in first.items() if c == prefecture.code and k == category]
        for field, count in (("effectif", len(here)), ("liberaux", len(liberal & set(here)))):
            assert row[field] == (None if 0 < count < 5 else count)
    assert offer["professionnels"]["medecin_generaliste"]["effectif"] >= 5
    assert offer["etablissements"]["hopital"]["effectif"] == 1
    assert offer["structures"]["CDS"] and offer["structures"]["CPTS"]


def test_admin_registers_supply_models(client, demo):
    client.force_login(make_user(Role.ADMINISTRATEUR))
    for model in ("professional", "establishment", "structure", "indicatorvalue"):
        assert client.get(f"/admin/supply/{model}/?q=a").status_code == 200


def test_nominative_list_is_paginated(client, demo, monkeypatch):
    from maillage.web.supply import views

    monkeypatch.setattr(views, "PAGE_SIZE", 5)
    prefecture = Departement.objects.get(code="00").chef_lieu
    client.force_login(make_user(Role.ADMINISTRATEUR))
    html = client.get(reverse("supply:commune", args=[prefecture]), {"page": 2}).content.decode()
    assert "Page 2 sur" in html and "Page précédente" in html


def test_cpts_form_shows_one_departement_at_a_time(client, small):
    Region.objects.create(code="99", nom="Autre")
    Departement.objects.create(code="99", nom="Autre", region_id="99")
    Commune.objects.create(code="99001", nom="Ailleurs", departement_id="99")
    client.force_login(make_user(Role.ADMINISTRATEUR))
    html = client.get(reverse("supply:cpts_new")).content.decode()
    assert "Ailleurs" not in html and 'value="00001"' in html
    html = client.get(reverse("supply:cpts_new"), {"departement": "99"}).content.decode()
    assert "Ailleurs" in html and 'value="00001"' not in html
    agent = make_user(Role.AGENT_CPAM)
    client.force_login(agent)
    html = client.get(reverse("supply:cpts_new"), {"departement": "99"}).content.decode()
    assert "Ailleurs" not in html  # outside the agent's départements
