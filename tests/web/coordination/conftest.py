import pytest

from maillage.web.accounts.models import User
from maillage.web.accounts.roles import Role, role_group
from maillage.web.territories.models import Departement, Region


@pytest.fixture
def coord_demo(demo_territory):
    """Demo territory + coordination demo (fallback structures when no supply demo)."""
    from maillage.web.coordination.demo import load_demo

    load_demo()
    return load_demo  # idempotent: a second call must not duplicate anything


def make_user(name, role, departements=()):
    user = User.objects.create_user(username=name, password="x" * 14)
    user.groups.add(role_group(role))
    if role is Role.ADMINISTRATEUR:
        user.is_staff = user.is_superuser = True
        user.save()
    if departements:
        user.departements.set(departements)
    return user


@pytest.fixture
def other_departement(db):
    region = Region.objects.get_or_create(code="99", defaults={"nom": "Autre région"})[0]
    return Departement.objects.get_or_create(
        code="98", defaults={"nom": "Autre", "region": region}
    )[0]
