"""Every page × every role: public pages open to all, the admin only to administrators."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from maillage.web.accounts.models import User
from maillage.web.accounts.roles import Role, role_group, roles_of
from maillage.web.accounts.scope import can_see_departement

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = [
    ("home", ()),
    ("territories:commune", ("00001",)),
    ("territories:departement", ("00",)),
    ("accounts:login", ()),
    ("parameters", ()),
]
ROLES = [None, *Role]


def make_user(role):
    if role is None:
        return None
    user = User.objects.create_user(username=f"u-{role.name.lower()}", password="x" * 14)
    user.groups.add(role_group(role))
    if role is Role.ADMINISTRATEUR:
        user.is_staff = user.is_superuser = True
        user.save()
    return user


@pytest.mark.parametrize("role", ROLES, ids=lambda r: getattr(r, "name", "anonyme"))
@pytest.mark.parametrize(("name", "args"), PUBLIC_PAGES)
def test_public_pages_open_to_every_role(client, demo_territory, role, name, args):
    user = make_user(role)
    if user:
        client.force_login(user)
    assert client.get(reverse(name, args=args)).status_code == 200


@pytest.mark.parametrize("role", ROLES, ids=lambda r: getattr(r, "name", "anonyme"))
def test_admin_only_for_administrators(client, db, role):
    user = make_user(role)
    if user:
        client.force_login(user)
    response = client.get("/admin/territories/commune/")
    if role is Role.ADMINISTRATEUR:
        assert response.status_code == 200
    else:
        assert response.status_code == 302 and "/admin/login/" in response["Location"]


@pytest.mark.parametrize("role", ROLES, ids=lambda r: getattr(r, "name", "anonyme"))
def test_public_api_open_to_every_role(client, demo_territory, role):
    user = make_user(role)
    if user:
        client.force_login(user)
    assert client.get("/api/communes/00001").status_code == 200


def test_roles_and_departement_scope(demo_territory):
    agent = User.objects.get(username="agent")
    assert roles_of(agent) == {Role.AGENT_CPAM}
    assert can_see_departement(agent, "00") and not can_see_departement(agent, "83")
    coordinator = User.objects.get(username="coordinateur")
    assert not can_see_departement(coordinator, "00")
    assert can_see_departement(User.objects.get(username="admin"), "83")


def test_all_roles_exist_as_groups():
    assert set(Group.objects.values_list("name", flat=True)) >= {r.value for r in Role}
