"""One reading of « who changed what, and when »: the model history kept by
django-simple-history and the explicit audit events, as a single list of :class:`Change`.

Pages (contract and structure history), the admin journal and ``maillage journal`` all read
through here. Each historical row is compared with the previous version of the same object,
so a change shows only the fields it changed (a creation shows the values it set, a deletion
the values it removed).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Model, Q, QuerySet
from django.forms.models import model_to_dict

from .models import AuditEntry

HISTORY_ACTIONS = {"+": "création", "~": "modification", "-": "suppression"}


@dataclass(frozen=True)
class Change:
    at: dt.datetime
    user: object  # accounts.User or None
    action: str
    kind: str  # what was changed (verbose name of the model)
    object_id: str
    label: str
    before: dict | None
    after: dict | None
    comment: str = ""

    @property
    def username(self) -> str:
        return getattr(self.user, "username", "") if self.user else ""

    def as_row(self) -> dict:
        def text(values):
            return json.dumps(values, ensure_ascii=False, cls=DjangoJSONEncoder) if values else ""

        return {
            "date": self.at.isoformat(),
            "utilisateur": self.username,
            "action": self.action,
            "objet": f"{self.kind} {self.object_id}",
            "libelle": self.label,
            "avant": text(self.before),
            "apres": text(self.after),
            "commentaire": self.comment,
        }


def _plain(values: dict) -> dict:
    return json.loads(json.dumps(values, cls=DjangoJSONEncoder))


def _fields(record) -> list[str]:
    m2m = {f.name for f in record._history_m2m_fields}
    return [f.name for f in record.tracked_fields if f.editable and f.name not in m2m]


def object_key(historical: type[Model]) -> str:
    """Field of a historical model holding the primary key of the object (``id``, ``code``,
    ``finess``…)."""
    return historical.instance_type._meta.pk.attname


def tracked_models() -> list[type[Model]]:
    """Every model whose changes django-simple-history records (its history manager is a
    ``HistoryManager``; the historical tables of many-to-many fields are not models users
    edit: their changes show on the version of the object they belong to)."""
    from django.apps import apps
    from simple_history.manager import HistoryManager

    return [
        m
        for m in apps.get_models()
        if isinstance(getattr(m, "history", None), HistoryManager)
        and not m._meta.db_table.startswith("historical")
        and hasattr(m.history, "model")
    ]


def _compare(previous, record) -> tuple[dict | None, dict | None]:
    names = _fields(record)
    new = _plain(model_to_dict(record, fields=names))
    if record.history_type == "+" or previous is None:
        return None, {k: v for k, v in new.items() if v not in (None, "", [], {})}
    old = _plain(model_to_dict(previous, fields=names))
    if record.history_type == "-":
        return {k: v for k, v in old.items() if v not in (None, "", [], {})}, None
    before = {k: old[k] for k in names if old[k] != new[k]}
    after = {k: new[k] for k in names if old[k] != new[k]}
    if record._history_m2m_fields:
        m2m = [f.name for f in record._history_m2m_fields]
        for change in record.diff_against(previous, included_fields=m2m).changes:
            before[change.field] = _plain(change.old)
            after[change.field] = _plain(change.new)
    return before, after


def _label(record, kind: str) -> str:
    """What the object was called (its ``__str__`` may follow a relation that is gone)."""
    from django.core.exceptions import ObjectDoesNotExist

    try:
        return str(record.instance)[:200]
    except (ObjectDoesNotExist, AttributeError, TypeError, ValueError):
        return f"{kind} n° {record.pk}"


def changes(records: QuerySet, wanted: Q | None = None) -> list[Change]:
    """Changes of the historical rows ``records`` (of one model), each compared with the
    previous version of its object; ``wanted`` keeps only some of them (a date or user
    filter) while the previous versions are still looked up among all rows."""
    historical = records.model
    kind = str(historical.instance_type._meta.verbose_name)
    key = object_key(historical)
    rows = list(records.select_related("history_user").order_by(key, "history_date", "pk"))
    keep = None
    if wanted is not None:
        keep = set(records.filter(wanted).values_list("pk", flat=True))
    result, previous, labels = [], None, {}
    for record in rows:
        if previous is not None and getattr(previous, key) != getattr(record, key):
            previous = None
        if keep is None or record.pk in keep:
            before, after = _compare(previous, record)
            if record.history_type != "~" or before or after:
                result.append(
                    Change(
                        at=record.history_date,
                        user=record.history_user,
                        action=HISTORY_ACTIONS[record.history_type],
                        kind=kind,
                        object_id=str(getattr(record, key)),
                        label=labels.setdefault(getattr(record, key), _label(record, kind)),
                        before=before,
                        after=after,
                        comment=record.history_change_reason or "",
                    )
                )
        previous = record
    return result


def event_changes(entries: Iterable[AuditEntry]) -> list[Change]:
    return [
        Change(
            at=e.at,
            user=e.user,
            action=e.get_action_display(),
            kind=str(e.content_type.model_class()._meta.verbose_name)
            if e.content_type.model_class()
            else e.content_type.model,
            object_id=e.object_id,
            label=e.object_repr,
            before=e.before,
            after=e.after,
            comment=e.comment,
        )
        for e in entries
    ]


def events_on(model: type[Model], ids: Iterable) -> QuerySet:
    """Explicit events recorded on the objects ``ids`` of ``model``."""
    from django.contrib.contenttypes.models import ContentType

    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(model),
        object_id__in=[str(i) for i in ids],
    ).select_related("user", "content_type")


def forget(model: type[Model], ids: Iterable) -> int:
    """Delete every historical version of the objects ``ids`` of ``model`` and the explicit
    events recorded on them (erasure and retention purge); returns the rows deleted."""
    ids = list(ids)
    if not ids:
        return 0
    historical = model.history.model
    deleted = historical.objects.filter(**{f"{object_key(historical)}__in": ids}).delete()[0]
    return deleted + events_on(model, ids).delete()[0]


def newest_first(items: Iterable[Change]) -> list[Change]:
    return sorted(items, key=lambda c: c.at, reverse=True)
