"""Planner statistics after bulk writes.

PostgreSQL plans queries from statistics that autovacuum refreshes only some time after a bulk
load, and never for rows still inside an open transaction (the demo loaded in a test, an import
followed by reads in the same transaction). With statistics saying « 0 rows », the planner picks
nested loops that take minutes on a few thousand professionals. ``ANALYZE`` right after the load
gives it the real sizes; it is cheap (sampling) and allowed inside a transaction.
"""

from django.db import connection


def refresh_planner_statistics() -> None:
    """Run ``ANALYZE`` on PostgreSQL; SQLite plans without statistics tables here (no-op)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
