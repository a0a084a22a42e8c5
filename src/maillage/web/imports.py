"""Diff-based, atomic writing of parsed records: the common core of every import command.

A command parses its whole file first (the parser raises on the first defect, before any
write), computes its writes with :func:`plan_sync` (reads only), then applies them inside
:func:`atomic_import`: the write transaction — with SQLite, the time every other write waits —
holds nothing but prepared statements. Re-running an import on the same
file reports only "unchanged" rows; ``dry_run`` computes the same counts and rolls back.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from django.db import connection, models, transaction

from maillage.web.dataversion import tracking as data_version

Progress = Callable[[int], None]


def tick(progress: Progress | None, items: Iterable):
    """The items, telling ``progress`` every 2 000 of them (the progress bar of the commands)."""
    for number, item in enumerate(items, start=1):
        if progress and number % 2000 == 0:
            progress(2000)
        yield item


@dataclass
class ImportReport:
    """Counts of one import, per model, and the warnings to show the user."""

    label: str
    dry_run: bool = False
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    #: Seconds the import held the database's write lock (its write transaction, commit
    #: included): with SQLite, other writes wait that long at most.
    write_lock_seconds: float = 0.0

    def add(
        self,
        model_label: str,
        created: int = 0,
        updated: int = 0,
        unchanged: int = 0,
        deleted: int = 0,
    ) -> None:
        entry = self.counts.setdefault(
            model_label, {"créés": 0, "mis à jour": 0, "inchangés": 0, "supprimés": 0}
        )
        entry["créés"] += created
        entry["mis à jour"] += updated
        entry["inchangés"] += unchanged
        entry["supprimés"] += deleted

    def warn(self, message: str) -> None:
        self.warnings.append(message)

    def total(self, key: str) -> int:
        return sum(entry[key] for entry in self.counts.values())

    def as_dict(self) -> dict:
        return {
            "import": self.label,
            "simulation": self.dry_run,
            "comptes": self.counts,
            "avertissements": self.warnings,
            "verrou_ecriture_s": round(self.write_lock_seconds, 3),
        }

    def lines(self) -> Iterator[str]:
        prefix = "[simulation, rien n'a été écrit] " if self.dry_run else ""
        yield f"{prefix}{self.label}"
        for model_label, entry in self.counts.items():
            parts = ", ".join(
                f"{value} {key}" for key, value in entry.items() if value or key != "supprimés"
            )
            yield f"  {model_label} : {parts}"
        for message in self.warnings:
            yield f"  avertissement : {message}"
        if self.write_lock_seconds:
            yield f"  écriture (base verrouillée) : {self.write_lock_seconds:.1f} s"


class _Rollback(Exception):
    pass


@contextlib.contextmanager
def atomic_import(report: ImportReport):
    """One transaction for the whole import; rolled back at the end of a dry run.

    With SQLite the transaction holds the database's single write lock from its start
    (``BEGIN IMMEDIATE``) to its commit, and every other write waits meanwhile: callers parse
    and check their whole input before entering, and keep the block to writes. The time
    held is added to ``report.write_lock_seconds``. The data version is bumped once, at the
    end of the transaction, if the import wrote a reference table.
    """
    started = None
    try:
        with transaction.atomic(), data_version.deferred(report.label):
            started = time.perf_counter()
            yield report
            if report.dry_run:
                raise _Rollback
    except _Rollback:
        pass
    finally:
        if started is not None:
            report.write_lock_seconds += time.perf_counter() - started


def _differs(current, new) -> bool:
    if isinstance(current, float) and isinstance(new, float):
        return abs(current - new) > 1e-9 * max(1.0, abs(new))
    return current != new


@dataclass
class PlannedWrites:
    """Writes computed before the write transaction: SQL statements with their rows of
    database values, ready for ``executemany``.

    Building model objects and converting their values is most of the work of a bulk
    write (ten times the SQL itself, measured on the national communes); doing it in
    :func:`plan_sync` before :func:`atomic_import` leaves only the statements under the
    database's write lock. :meth:`apply` runs them in order and adds the counts to the report.
    """

    label: str
    statements: list[tuple[str, list[tuple]]] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    #: Keys of ``plan_sync(create=False)`` rows absent from the database.
    missing: list[str] = field(default_factory=list)

    def apply(self, report: ImportReport) -> list[str]:
        with connection.cursor() as cursor:
            for sql, rows in self.statements:
                for start in range(0, len(rows), _CHUNK):
                    cursor.executemany(sql, rows[start : start + _CHUNK])
        report.add(
            self.label,
            created=self.created,
            updated=self.updated,
            unchanged=self.unchanged,
            deleted=self.deleted,
        )
        return self.missing


_CHUNK = 10_000


def insert_statement(model: type[models.Model], objects: list[models.Model]):
    """``INSERT`` of ``objects`` with their values prepared as ``bulk_create`` does (``pre_save``
    defaults, database conversion); an automatic key left empty is left to the database."""
    fields = [
        f
        for f in model._meta.local_concrete_fields
        if not (f.primary_key and f.auto_created and all(o.pk is None for o in objects))
    ]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    sql = (
        f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} ({columns}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    rows = [
        tuple(f.get_db_prep_save(f.pre_save(obj, add=True), connection) for f in fields)
        for obj in objects
    ]
    return sql, rows


def update_statement(model: type[models.Model], objects: list[models.Model], names):
    """``UPDATE … WHERE pk`` of the fields ``names`` of ``objects`` (values as they are on the
    objects, as ``bulk_update`` writes them)."""
    fields = [model._meta.get_field(name) for name in names]
    pk = model._meta.pk
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(f.column)} = %s" for f in fields)
    sql = (
        f"UPDATE {quote(model._meta.db_table)} SET {assignments} "  # noqa: S608
        f"WHERE {quote(pk.column)} = %s"
    )
    rows = [
        (
            *(f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields),
            pk.get_db_prep_value(obj.pk, connection),
        )
        for obj in objects
    ]
    return sql, rows


def plan_sync(
    model: type[models.Model],
    rows: Mapping[str, Mapping[str, object]],
    *,
    label: str | None = None,
    create: bool = True,
) -> PlannedWrites:
    """The writes of :func:`sync`, computed now (reads only) and applied later.

    Call it before :func:`atomic_import` and ``apply`` the result inside: the rows it reads
    are imported data that only imports write, and a concurrent import of the same kind is
    not supported (documented in docs/exploitation.md).
    """
    plan = PlannedWrites(label or str(model._meta.verbose_name_plural))
    existing = model.objects.in_bulk(list(rows))
    to_create, to_update, changed_fields = [], [], set()
    for key, values in rows.items():
        obj = existing.get(key)
        if obj is None:
            if create:
                to_create.append(model(pk=key, **values))
            else:
                plan.missing.append(key)
            continue
        changed = [name for name, value in values.items() if _differs(getattr(obj, name), value)]
        if changed:
            for name in changed:
                setattr(obj, name, values[name])
            changed_fields.update(changed)
            to_update.append(obj)
        else:
            plan.unchanged += 1
    if to_create:
        plan.statements.append(insert_statement(model, to_create))
    if to_update:
        plan.statements.append(update_statement(model, to_update, sorted(changed_fields)))
    plan.created, plan.updated = len(to_create), len(to_update)
    return plan


def sync(
    model: type[models.Model],
    rows: Mapping[str, Mapping[str, object]],
    report: ImportReport,
    *,
    label: str | None = None,
    create: bool = True,
) -> list[str]:
    """Create or update ``model`` rows keyed by primary key; return the keys not found.

    With ``create=False`` (imports that enrich existing communes), rows whose key is absent
    from the database are skipped and returned so that the caller can report them. Inside
    :func:`atomic_import`, prefer :func:`plan_sync` before the block and ``apply`` within.
    """
    return plan_sync(model, rows, label=label, create=create).apply(report)


def examples(codes: list[str], limit: int = 5) -> str:
    shown = ", ".join(codes[:limit])
    return shown + (" …" if len(codes) > limit else "")
