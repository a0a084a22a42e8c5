"""Every view and endpoint × every role (anonymous + the 5 roles): public diagnosis pages and
API open to all; saved territories only for logged-in users, each seeing only their own."""

import pytest
from django.urls import reverse

from maillage.web.accounts.models import User
from maillage.web.accounts.roles import Role, role_group
from maillage.web.diagnostics.models import SavedTerritory

pytestmark = pytest.mark.django_db
ROLES = [None, *Role]
SEL = {"communes": "00001,00002,00003"}


def make_user(role):
    if role is None:
        return None
    user = User.objects.create_user(username=f"u-{role.name.lower()}", password="x" * 14)
    user.groups.add(role_group(role))
    if role is Role.ADMINISTRATEUR:
        user.is_staff = user.is_superuser = True
        user.save()
    return user


PUBLIC = [
    (lambda: reverse("diagnostics:index"), {}),
    (lambda: reverse("diagnostics:territory"), SEL),
    (lambda: reverse("diagnostics:export", args=["csv"]), SEL),
    (lambda: reverse("diagnostics:export", args=["xlsx"]), SEL),
    (lambda: reverse("diagnostics:export", args=["json"]), SEL),
    (lambda: reverse("diagnostics:export", args=["pdf"]), SEL),
    (lambda: reverse("diagnostics:map_data", args=["00"]), {}),
    (lambda: "/api/diagnostics/", SEL),
    (lambda: "/api/diagnostics/recherche", {"q": "00001"}),
]


@pytest.mark.parametrize("role", ROLES, ids=lambda r: getattr(r, "name", "anonyme"))
@pytest.mark.parametrize("target", range(len(PUBLIC)))
def test_public_views_open_to_every_role(client, demo_territory, role, target):
    user = make_user(role)
    if user:
        client.force_login(user)
    url, params = PUBLIC[target]
    assert client.get(url(), params).status_code == 200


@pytest.mark.parametrize("role", ROLES, ids=lambda r: getattr(r, "name", "anonyme"))
def test_public_post_api_open_to_every_role(client, demo_territory, role):
    user = make_user(role)
    if user:
        client.force_login(user)
    response = client.post(
        "/api/diagnostics/", {"communes": ["00001"]}, content_type="application/json"
    )
    assert response.status_code == 200


@pytest.mark.parametrize("role", ROLES, ids=lambda r: getattr(r, "name", "anonyme"))
def test_saved_territories_need_login_and_are_owner_only(client, demo_territory, role):
    stranger = User.objects.create_user(username="stranger", password="x" * 14)
    theirs = SavedTerritory.objects.create(owner=stranger, nom="Secret", communes=["00001"])
    user = make_user(role)
    if user:
        client.force_login(user)
    saved_page = client.get(reverse("diagnostics:saved"))
    save = client.post(reverse("diagnostics:save"), {**SEL, "nom": "Le mien"})
    api = client.get("/api/diagnostics/territoires")
    other = client.get(reverse("diagnostics:territory"), {"territoire": theirs.pk})
    delete = client.post(reverse("diagnostics:delete", args=[theirs.pk]))
    if user is None:
        assert saved_page.status_code == 302 and "/comptes/" in saved_page["Location"]
        assert save.status_code == 302 and "/comptes/" in save["Location"]
        assert api.status_code == 401
        assert not SavedTerritory.objects.filter(nom="Le mien").exists()
    else:
        assert saved_page.status_code == 200 and "Secret" not in saved_page.content.decode()
        assert save.status_code == 302
        assert SavedTerritory.objects.get(nom="Le mien").owner == user
        assert [t["nom"] for t in api.json()] == ["Le mien"]
    assert other.status_code in (302, 404)
    assert delete.status_code in (302, 404)
    assert SavedTerritory.objects.filter(pk=theirs.pk).exists()
