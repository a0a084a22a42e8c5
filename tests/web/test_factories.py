"""The shared factories build what they say: a user of each role, a practice in a commune."""

import pytest

from maillage.web.accounts.roles import Role, roles_of
from maillage.web.accounts.scope import visible_departements

from .factories import PASSWORD, ActivityFactory, DepartementFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", list(Role))
def test_a_user_of_each_role(role):
    DepartementFactory(code="83", nom="Var")
    user = UserFactory(role=role, departements=["83"] if role is Role.AGENT_CPAM else None)
    assert role in roles_of(user)
    assert user.is_superuser == (role is Role.ADMINISTRATEUR)
    assert user.check_password(PASSWORD)
    if role is Role.AGENT_CPAM:
        assert set(visible_departements(user)) == {"83"}


def test_an_activity_is_a_liberal_practice_in_a_commune_of_its_departement():
    activity = ActivityFactory()
    assert activity.commune.departement.region == activity.commune.region
    assert activity.code_commune == activity.commune.code
    assert activity.professional.activites.get() == activity
