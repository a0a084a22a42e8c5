"""The supply lists cost a fixed number of queries, whatever their length."""

import pytest

from maillage.web.accounts.models import User
from maillage.web.supply.models import Structure

from ..factories import ActivityFactory, CommuneFactory
from ..queries import assert_no_n_plus_one

pytestmark = pytest.mark.django_db


def add_cpts():
    for n in range(5):
        seat = CommuneFactory(code=f"00{n + 1:03d}")
        Structure.objects.create(
            kind=Structure.Kind.CPTS,
            identifiant=f"CPTS-Q{n}",
            nom=f"CPTS ajoutée {n}",
            commune=seat,
        )


def add_practitioners():
    commune = CommuneFactory(code="00001")
    for _ in range(8):
        ActivityFactory(commune=commune)


@pytest.mark.parametrize(
    ("url", "grow"),
    [("/offre/", add_cpts), ("/offre/communes/00001/", add_practitioners)],
)
def test_supply_lists_have_no_n_plus_one(
    client, full_demo, url, grow, django_assert_max_num_queries
):
    client.force_login(User.objects.get(username="admin"))
    assert_no_n_plus_one(client, url, grow, 30, django_assert_max_num_queries)
