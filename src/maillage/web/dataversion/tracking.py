"""Bump the data version on every write to the reference tables, in the same transaction.

One mechanism covers every write path, so that none can be forgotten: an execute wrapper
(Django's database instrumentation) installed on each connection sees every statement Django
runs — ORM saves, ``bulk_create`` / ``bulk_update`` / ``update`` / ``delete``, cascades, admin
and form edits, the importers' raw ``cursor.execute`` / ``executemany`` — and bumps the version
when the statement writes a table of :data:`WATCHED_APPS`.

- Inside a transaction, the bump runs just before the write: both commit (or roll back)
  together, so a reader never sees new data under an old version nor the reverse.
- Outside a transaction (autocommit), the bump runs right after the write: a reader may see the
  new data under the old version for an instant, which only costs one more rebuild.
- Inside :func:`deferred` (the shared import writer), writes only mark the scope and one bump
  runs at its end, still inside the transaction: one row lock held for a moment rather than
  for the whole import (PostgreSQL), one version per import.
- During ``migrate`` the table may not exist yet: writes are counted and one bump runs at the
  end of the migration.

Not seen: statements that bypass Django's cursor wrapper (psycopg's ``cursor.copy()``, another
program writing the database): call :func:`bump` after them.
"""

from __future__ import annotations

import contextlib
import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass

from django.apps import apps
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone

#: Apps whose tables are the reference data (territories, health-care supply, accessibility):
#: everything the diagnosis snapshot reads lives there (a test checks it), and their writes are
#: rare (imports, recomputations, administrators' edits), so a single version is enough.
WATCHED_APPS = ("territories", "supply", "access")

TABLE = "dataversion_dataversion"

_IDENT = r'(?:"(?:[^"]|"")+"|`[^`]+`|\[[^\]]+\]|[A-Za-z_][\w$]*)'
_NAME = rf"{_IDENT}(?:\s*\.\s*{_IDENT})?"
_WRITE = re.compile(
    rf"""\s*(?:/\*.*?\*/\s*)*(?:
        insert\s+(?:or\s+\w+\s+)?into
      | replace\s+into
      | update\s+(?:or\s+\w+\s+)?(?:only\s+)?
      | delete\s+from\s+(?:only\s+)?
      | copy
    )\s*({_NAME})""",
    re.IGNORECASE | re.VERBOSE | re.DOTALL,
)
_TRUNCATE = re.compile(r"\s*truncate\b", re.IGNORECASE)
_CTE_WRITE = re.compile(r"\s*with\b.*\b(?:insert|update|delete)\b", re.IGNORECASE | re.DOTALL)
_NOT_TABLES = {"table", "only", "restart", "continue", "identity", "cascade", "restrict"}

_watched: frozenset[str] | None = None
_bumps = 0


def _table(name: str) -> str:
    """``"public"."supply_activity"`` → ``supply_activity``."""
    last = re.findall(_IDENT, name)[-1]
    return last.strip('"`[]').replace('""', '"').lower()


def written_tables(sql) -> frozenset[str]:
    """Tables an SQL statement writes (empty for reads). A ``WITH … INSERT/UPDATE/DELETE``
    statement counts as writing every table it names (conservative)."""
    if isinstance(sql, bytes):
        sql = sql.decode("utf-8", "replace")
    if not isinstance(sql, str):
        sql = str(sql)
    found = _WRITE.match(sql[:400])
    if found:
        return frozenset({_table(found.group(1))})
    if _TRUNCATE.match(sql):
        names = re.findall(_IDENT, sql.lstrip()[len("truncate") :])
        return frozenset(_table(n) for n in names if n.lower() not in _NOT_TABLES)
    if _CTE_WRITE.match(sql):
        return frozenset(_table(n) for n in re.findall(_IDENT, sql)) & watched_tables()
    return frozenset()


def watched_tables() -> frozenset[str]:
    """Tables of :data:`WATCHED_APPS`, many-to-many tables included."""
    global _watched
    if _watched is None:
        tables = set()
        for label in WATCHED_APPS:
            with contextlib.suppress(LookupError):  # app not installed in this project
                config = apps.get_app_config(label)
                tables.update(
                    m._meta.db_table.lower() for m in config.get_models(include_auto_created=True)
                )
        _watched = frozenset(tables)
    return _watched


@dataclass
class _State:
    """Per connection (hence per thread): open :func:`deferred` scopes and migrations."""

    depth: int = 0
    dirty: bool = False
    migrating: bool = False
    skipped: bool = False


def _state(connection) -> _State:
    state = getattr(connection, "_maillage_dataversion", None)
    if state is None:
        state = connection._maillage_dataversion = _State()
    return state


def _bump(connection, reason: str) -> None:
    global _bumps
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        # One statement, no read-then-write race: creates the row if a flush removed it.
        cursor.execute(
            f"INSERT INTO {TABLE} (id, counter, token, changed_at, reason) "  # noqa: S608
            "VALUES (1, 1, %s, %s, %s) ON CONFLICT (id) DO UPDATE SET "
            f"counter = {TABLE}.counter + 1, token = excluded.token, "
            "changed_at = excluded.changed_at, reason = excluded.reason",
            [secrets.token_hex(8), now, reason[:200]],
        )
    _bumps += 1


def bump(reason: str, using: str = DEFAULT_DB_ALIAS) -> None:
    """New data version, in the current transaction if there is one (once, at the end of an
    open :func:`deferred` block). For writes the wrapper cannot see."""
    connection = connections[using]
    state = _state(connection)
    if state.depth and connection.in_atomic_block:
        state.dirty = True
    else:
        _bump(connection, reason)


def bump_count() -> int:
    """Bumps run by this process (rolled back ones included): lets a command know whether it
    changed the data, to rebuild what derives from it before it exits."""
    return _bumps


def current(using: str = DEFAULT_DB_ALIAS) -> str:
    """The data version, ``"counter-token"``: one primary-key lookup."""
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT counter, token FROM {TABLE} WHERE id = 1")  # noqa: S608
        row = cursor.fetchone()
    if row is None:  # after a flush of the database
        _bump(connection, "initialisation")
        return current(using)
    return f"{row[0]}-{row[1]}"


def _track(execute, sql, params, many, context):
    written = written_tables(sql)
    if not written or written.isdisjoint(watched_tables()):
        return execute(sql, params, many, context)
    connection = context["connection"]
    state = _state(connection)
    reason = "écriture : " + ", ".join(sorted(written & watched_tables()))
    if state.migrating:
        state.skipped = True
        return execute(sql, params, many, context)
    if connection.in_atomic_block:
        if state.depth:
            state.dirty = True
        else:
            _bump(connection, reason)
        return execute(sql, params, many, context)
    # Autocommit: bumping after the write keeps a pending statement (INSERT … RETURNING on
    # SQLite) untouched, and never shows the new version before the new data.
    result = execute(sql, params, many, context)
    _bump(connection, reason)
    return result


def install(sender=None, connection=None, **kwargs) -> None:
    """Receiver of ``connection_created``: track the writes of this connection."""
    if _track not in connection.execute_wrappers:
        # First in the list: a caller's ``execute_wrapper()`` block pops the last one on exit.
        connection.execute_wrappers.insert(0, _track)


@contextlib.contextmanager
def deferred(reason: str, using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Within a transaction, bump once at the end of the block instead of at every write."""
    connection = connections[using]
    state = _state(connection)
    outer_dirty = state.dirty
    state.depth += 1
    state.dirty = False
    try:
        yield
    except BaseException:
        marked = state.dirty
        state.depth -= 1
        state.dirty = outer_dirty or marked
        if marked and not state.depth and connection.in_atomic_block:
            # The transaction may be unusable here (PostgreSQL after an error): if an outer
            # block still commits these writes, bump right after the commit.
            transaction.on_commit(lambda: bump(reason, using), using=using)
        raise
    marked = state.dirty
    state.depth -= 1
    state.dirty = outer_dirty
    if marked:
        _bump(connection, reason)


def migration_started(sender=None, using: str = DEFAULT_DB_ALIAS, **kwargs) -> None:
    _state(connections[using]).migrating = True


def migration_ended(sender=None, using: str = DEFAULT_DB_ALIAS, plan=None, **kwargs) -> None:
    connection = connections[using]
    state = _state(connection)
    if not state.migrating:
        return
    state.migrating = False
    changed, state.skipped = bool(plan) or state.skipped, False
    if changed and TABLE in connection.introspection.table_names():
        bump("migration", using)
