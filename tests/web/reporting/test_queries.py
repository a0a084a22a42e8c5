"""The drill-down lists of the key figures cost a fixed number of queries, whatever their
length."""

import datetime as dt
from functools import partial

import pytest

from maillage.web.accounts.models import User

from ..outreach.factories import add_contacts, add_installations
from ..queries import assert_no_n_plus_one

pytestmark = pytest.mark.django_db

YEAR = dt.date.today().year
DAY = dt.date(YEAR, 1, 2)


@pytest.mark.parametrize(
    ("kind", "grow"),
    [
        ("contacts", partial(add_contacts, day=DAY)),
        ("installations", partial(add_installations, day=DAY)),
    ],
)
def test_detail_lists_have_no_n_plus_one(
    client, full_demo, kind, grow, django_assert_max_num_queries
):
    client.force_login(User.objects.get(username="admin"))
    url = f"/chiffres-cles/00/{YEAR}/detail/{kind}/"
    assert_no_n_plus_one(client, url, grow, 30, django_assert_max_num_queries)
