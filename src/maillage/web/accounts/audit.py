"""History of changes (who, when, before / after) and log of access to personal data."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.forms.models import model_to_dict

from .models import AccessLog, AuditEntry


def snapshot(instance: models.Model) -> dict:
    """Field values of ``instance`` as JSON-friendly data (for the before / after record)."""
    import json

    # Concrete fields only: many-to-many values are model instances that JSON cannot hold.
    fields = [f.name for f in instance._meta.concrete_fields]
    return json.loads(json.dumps(model_to_dict(instance, fields=fields), cls=DjangoJSONEncoder))


def record_change(
    user,
    instance: models.Model,
    action: str,
    before: dict | None,
    after: dict | None,
    comment: str = "",
) -> AuditEntry:
    return AuditEntry.objects.create(
        user=user if getattr(user, "is_authenticated", False) else None,
        content_type=ContentType.objects.get_for_model(instance),
        object_id=str(instance.pk),
        object_repr=str(instance)[:200],
        action=action,
        before=before,
        after=after,
        comment=comment,
    )


def history(instance: models.Model):
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(instance), object_id=str(instance.pk)
    ).select_related("user")


def log_access(user, subject: str, subject_id: str, purpose: str = "") -> AccessLog:
    return AccessLog.objects.create(
        user=user, subject=subject, subject_id=subject_id, purpose=purpose
    )
