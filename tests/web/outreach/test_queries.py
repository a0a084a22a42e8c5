"""The outreach lists cost a fixed number of queries, whatever their length."""

import pytest

from maillage.web.accounts.models import User

from ..queries import assert_no_n_plus_one
from .factories import add_contacts, add_installations

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("url", "grow"),
    [("/accompagnement/", add_contacts), ("/accompagnement/installations/", add_installations)],
)
def test_outreach_lists_have_no_n_plus_one(
    client, full_demo, url, grow, django_assert_max_num_queries
):
    client.force_login(User.objects.get(username="admin"))
    assert_no_n_plus_one(client, url, grow, 40, django_assert_max_num_queries)
