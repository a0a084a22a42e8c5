"""The saved territories list costs a fixed number of queries, whatever its length."""

import pytest

from maillage.web.accounts.models import User
from maillage.web.diagnostics.models import SavedTerritory

from ..queries import assert_no_n_plus_one

pytestmark = pytest.mark.django_db


def test_saved_territories_have_no_n_plus_one(client, full_demo, django_assert_max_num_queries):
    user = User.objects.get(username="agent")
    client.force_login(user)

    def grow():
        SavedTerritory.objects.bulk_create(
            SavedTerritory(owner=user, nom=f"Territoire {i}", communes=["00001", "00002"])
            for i in range(6)
        )

    assert_no_n_plus_one(
        client, "/diagnostic/mes-territoires/", grow, 25, django_assert_max_num_queries
    )
