"""Planner statistics after bulk writes.

PostgreSQL plans queries from statistics that autovacuum refreshes only some time after a bulk
load, and never for rows still inside an open transaction (the demo loaded in a test, an import
followed by reads in the same transaction). With statistics saying « 0 rows », the planner picks
nested loops that take minutes on a few thousand professionals. ``ANALYZE`` right after the load
gives it the real sizes; it is cheap (sampling) and allowed inside a transaction.

Only the project's own tables are analysed: a bare ``ANALYZE`` also takes locks on the
cluster-wide catalogs (``pg_authid``…) and holds them until the transaction ends, which makes
every other database of the server wait (parallel test workers, other sites on the server).
"""

from django.db import connection


def refresh_planner_statistics() -> None:
    """``ANALYZE`` the project's tables on PostgreSQL; no-op on SQLite."""
    if connection.vendor != "postgresql":
        return
    tables = sorted(connection.introspection.django_table_names(only_existing=True))
    if not tables:
        return
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE " + ", ".join(quote(table) for table in tables))
