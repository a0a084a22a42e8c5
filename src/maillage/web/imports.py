"""Diff-based, atomic writing of parsed records: the common core of every import command.

A command parses its whole file first (the parser raises on the first defect, before any
write), then calls :func:`sync` inside :func:`atomic_import`. Re-running an import on the same
file reports only "unchanged" rows; ``dry_run`` computes the same counts and rolls back.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field

from django.db import models, transaction

from maillage.web.dataversion import tracking as data_version

Progress = Callable[[int], None]


@dataclass
class ImportReport:
    """Counts of one import, per model, and the warnings to show the user."""

    label: str
    dry_run: bool = False
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

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


class _Rollback(Exception):
    pass


@contextlib.contextmanager
def atomic_import(report: ImportReport):
    """One transaction for the whole import; rolled back at the end of a dry run.

    The data version is bumped once, at the end of the transaction, if the import wrote a
    reference table."""
    try:
        with transaction.atomic(), data_version.deferred(report.label):
            yield report
            if report.dry_run:
                raise _Rollback
    except _Rollback:
        pass


def _differs(current, new) -> bool:
    if isinstance(current, float) and isinstance(new, float):
        return abs(current - new) > 1e-9 * max(1.0, abs(new))
    return current != new


def sync(
    model: type[models.Model],
    rows: Mapping[str, Mapping[str, object]],
    report: ImportReport,
    *,
    label: str | None = None,
    create: bool = True,
    batch_size: int = 1000,
) -> list[str]:
    """Create or update ``model`` rows keyed by primary key; return the keys not found.

    With ``create=False`` (imports that enrich existing communes), rows whose key is absent
    from the database are skipped and returned so that the caller can report them.
    """
    label = label or str(model._meta.verbose_name_plural)
    existing = model.objects.in_bulk(list(rows))
    to_create, to_update, changed_fields, missing = [], [], set(), []
    unchanged = 0
    for key, values in rows.items():
        obj = existing.get(key)
        if obj is None:
            if create:
                to_create.append(model(pk=key, **values))
            else:
                missing.append(key)
            continue
        changed = [name for name, value in values.items() if _differs(getattr(obj, name), value)]
        if changed:
            for name in changed:
                setattr(obj, name, values[name])
            changed_fields.update(changed)
            to_update.append(obj)
        else:
            unchanged += 1
    if to_create:
        model.objects.bulk_create(to_create, batch_size=batch_size)
    if to_update:
        model.objects.bulk_update(to_update, sorted(changed_fields), batch_size=batch_size)
    report.add(label, created=len(to_create), updated=len(to_update), unchanged=unchanged)
    return missing


def examples(codes: list[str], limit: int = 5) -> str:
    shown = ", ".join(codes[:limit])
    return shown + (" …" if len(codes) > limit else "")
