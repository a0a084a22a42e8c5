"""Explicit audit events (intentional acts) and the log of reads of personal data.

Ordinary changes of the models users edit (coordination, outreach, supply corrections, user
accounts) are recorded by django-simple-history, with the user taken from the request; this
module records what history cannot tell: a result validated, a person's data exported or
erased, a retention purge, a CPTS perimeter redrawn (``record_change``), and who read whose
personal data (``log_access``).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db import models

from .models import AccessLog, AuditEntry
from .personal_data import mark


def record_change(
    user,
    instance: models.Model | type[models.Model],
    action: str,
    before: dict | None = None,
    after: dict | None = None,
    comment: str = "",
    label: str | None = None,
) -> AuditEntry:
    """Record an intentional act on ``instance`` (see ``AuditEntry.Action``), or on a whole
    model when ``instance`` is a model class (a purge); ``label`` replaces ``str(instance)``."""
    whole_model = isinstance(instance, type)
    if label is None:
        label = "" if whole_model else str(instance)
    return AuditEntry.objects.create(
        user=user if getattr(user, "is_authenticated", False) else None,
        content_type=ContentType.objects.get_for_model(instance),
        object_id="" if whole_model else str(instance.pk),
        object_repr=label[:200],
        action=action,
        before=before,
        after=after,
        comment=comment,
    )


def pseudonymise_reads(rpps: str, pseudonym: str) -> int:
    """Replace the RPPS number ``rpps`` by ``pseudonym`` in the access log (erasure): who read
    what and when stays known, whose data it was does not."""
    count = AccessLog.objects.filter(rpps=rpps).update(rpps=pseudonym)
    AccessLog.objects.filter(subject_id=rpps).update(subject_id=pseudonym)
    return count


def log_access(
    request, subject: str, subject_id: str = "", purpose: str = "", rpps: Iterable[str] = ()
) -> int:
    """Log a read of personal data by the user of ``request``: one row per professional shown
    (``rpps``), or a single row when the data are not tied to a professional. The response is
    marked ``no-store`` as well. Returns the number of rows written.

    Never put what the user typed (a searched name) in ``subject_id`` or ``purpose``: the log
    must name no one but through ``rpps``, which erasure pseudonymises.
    """
    mark(request)
    user = getattr(request, "auth", None) or getattr(request, "user", None)
    match = getattr(request, "resolver_match", None)
    numbers = list(dict.fromkeys(str(n) for n in rpps if n)) or [""]
    rows = [
        AccessLog(
            user=user if getattr(user, "is_authenticated", False) else None,
            subject=subject[:40],
            subject_id=str(subject_id)[:64],
            purpose=purpose[:200],
            rpps=number,
            route=(match.view_name if match else "")[:100],
        )
        for number in numbers
    ]
    AccessLog.objects.bulk_create(rows, batch_size=500)
    return len(rows)
