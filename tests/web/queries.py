"""A list page costs the same number of queries whatever its length (no N+1)."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext


def queries_of(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(captured)


def assert_no_n_plus_one(client, url: str, grow, max_queries: int, assert_max) -> None:
    """``grow()`` adds rows the page lists: the count of queries must not change, and stays
    under ``max_queries`` (``assert_max`` is pytest-django's ``django_assert_max_num_queries``)."""
    before = queries_of(client, url)
    grow()
    with assert_max(max_queries):
        after = queries_of(client, url)
    assert after == before, f"{url}: {before} requêtes, puis {after} avec plus de lignes"
