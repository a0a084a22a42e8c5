"""The database part of a backup: always an SQLite file, whatever the engine.

- From SQLite, the file is copied with SQLite's online backup API: a consistent snapshot
  taken while the application keeps running.
- From PostgreSQL, an SQLite file is migrated to the same schema and every table is copied
  into it through Django (field by field, so types are converted by Django's own code).

Restoring migrates the extracted file to this version's schema first, then copies it into the
database: with the backup API into SQLite, table by table in one transaction into PostgreSQL.
The same archive can thus move an installation from SQLite to PostgreSQL and back.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.apps import apps
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connection, connections, models, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.db.utils import load_backend

ARCHIVE_ALIAS = "maillage_sauvegarde"
CHUNK = 5_000


class DatabaseError(Exception):
    """A database state that forbids the backup or the restore (French message)."""


# Not data but a stamp of the data: every copied row of the reference tables bumps it in the
# database written to (maillage.web.dataversion), so it is never copied, only bumped.
DERIVED_TABLES = frozenset({"dataversion_dataversion"})


def stored_models() -> list[type[models.Model]]:
    """Every model with a table of its own (many-to-many tables included), but the data
    version (see :data:`DERIVED_TABLES`)."""
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed
        and not model._meta.proxy
        and not model._meta.swapped
        and model._meta.db_table not in DERIVED_TABLES
    ]


def applied_migrations(alias: str = DEFAULT_DB_ALIAS) -> dict[str, list[str]]:
    """Migrations applied to a database, by app, sorted."""
    applied: dict[str, list[str]] = {}
    for app, name in MigrationRecorder(connections[alias]).applied_migrations():
        applied.setdefault(app, []).append(name)
    return {app: sorted(names) for app, names in sorted(applied.items())}


def known_migrations() -> set[tuple[str, str]]:
    """Migrations this version of maillage holds."""
    return set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)


def pending_migrations(alias: str = DEFAULT_DB_ALIAS) -> list[tuple[str, str]]:
    executor = MigrationExecutor(connections[alias])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [(migration.app_label, migration.name) for migration, _ in plan]


def row_counts(alias: str = DEFAULT_DB_ALIAS) -> dict[str, int]:
    return {
        model._meta.db_table: model._base_manager.using(alias).count() for model in stored_models()
    }


@contextmanager
def sqlite_alias(path: Path) -> Iterator[str]:
    """A Django database alias on the SQLite file ``path`` for the time of the block.

    The connection is created directly rather than declared in the settings: Django treats
    it as a dynamic connection, local to this thread, gone at the end of the block.
    """
    declared = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(path)}
    configured = connections.configure_settings(
        {DEFAULT_DB_ALIAS: dict(declared), ARCHIVE_ALIAS: dict(declared)}
    )[ARCHIVE_ALIAS]
    wrapper = load_backend(configured["ENGINE"]).DatabaseWrapper(configured, ARCHIVE_ALIAS)
    connections[ARCHIVE_ALIAS] = wrapper
    try:
        yield ARCHIVE_ALIAS
    finally:
        wrapper.close()
        del connections[ARCHIVE_ALIAS]


def migrate(alias: str) -> None:
    call_command("migrate", database=alias, interactive=False, verbosity=0)


# --------------------------------------------------------------------------- backup


def dump_database(target: Path) -> None:
    """Write the whole database into the new SQLite file ``target``."""
    pending = pending_migrations()
    if pending:
        raise DatabaseError(
            f"la base n'est pas à jour ({len(pending)} migration(s) à appliquer) : lancez "
            "« maillage manage migrate » avant de sauvegarder"
        )
    if connection.vendor == "sqlite":
        _sqlite_snapshot(target)
        return
    with sqlite_alias(target) as alias:
        migrate(alias)
        with transaction.atomic(using=alias):
            _empty(alias)  # rows the migrations created (roles, content types) come from the base
            _copy_rows(DEFAULT_DB_ALIAS, alias)


def _sqlite_snapshot(target: Path) -> None:
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        connection.connection.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
    finally:
        copy.close()


# --------------------------------------------------------------------------- restore


def restore_database(source: Path) -> dict[str, int]:
    """Replace the whole database by the extracted SQLite file ``source`` (migrated to this
    version's schema first); return the row counts of the restored database."""
    with sqlite_alias(source) as alias:
        migrate(alias)
        expected = row_counts(alias)
        if connection.vendor == "sqlite":
            connections[alias].close()
        else:
            with transaction.atomic():
                _empty(DEFAULT_DB_ALIAS)
                _copy_rows(alias, DEFAULT_DB_ALIAS)
                _reset_sequences()
                _check_counts(expected)
    if connection.vendor == "sqlite":
        _sqlite_restore(source)
        _check_counts(expected)
    return expected


def _sqlite_restore(source: Path) -> None:
    if connection.in_atomic_block:
        raise DatabaseError("restauration impossible au milieu d'une transaction")
    connection.ensure_connection()
    origin = sqlite3.connect(source)
    try:
        # The backup API copies every page under the destination's write lock, in one step:
        # other connections see the old database or the new one, never a mix.
        origin.backup(connection.connection)
    finally:
        origin.close()


def _check_counts(expected: dict[str, int]) -> None:
    restored = row_counts()
    different = sorted(t for t, n in expected.items() if restored.get(t) != n)
    if different:
        raise DatabaseError(
            "restauration incomplète, annulée : nombre de lignes différent pour "
            + ", ".join(different[:5])
        )


# --------------------------------------------------------------------------- copies


def _empty(alias: str) -> None:
    target = connections[alias]
    tables = [model._meta.db_table for model in stored_models()]
    statements = target.ops.sql_flush(no_style(), tables, allow_cascade=True)
    target.ops.execute_sql_flush(statements)


def _copy_rows(source: str, target: str) -> None:
    """Copy every row of every model from ``source`` to ``target``, keys included; values go
    through Django's field conversions on both sides."""
    destination = connections[target]
    quote = destination.ops.quote_name
    for model in stored_models():
        fields = model._meta.local_concrete_fields
        sql = (
            f"INSERT INTO {quote(model._meta.db_table)} "  # noqa: S608
            f"({', '.join(quote(f.column) for f in fields)}) "
            f"VALUES ({', '.join(['%s'] * len(fields))})"
        )
        rows = (
            model._base_manager.using(source)
            .order_by("pk")
            .values_list(*(f.attname for f in fields))
            .iterator(chunk_size=CHUNK)
        )
        with destination.cursor() as cursor:
            batch = []
            for row in rows:
                batch.append(
                    tuple(
                        f.get_db_prep_save(value, destination)
                        for f, value in zip(fields, row, strict=True)
                    )
                )
                if len(batch) >= CHUNK:
                    cursor.executemany(sql, batch)
                    batch = []
            if batch:
                cursor.executemany(sql, batch)


def _reset_sequences() -> None:
    """Keys were copied as they are: the sequences of automatic keys restart after them."""
    statements = connection.ops.sequence_reset_sql(no_style(), stored_models())
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
