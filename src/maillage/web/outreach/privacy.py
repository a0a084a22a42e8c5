"""Retention and erasure of the personal data of outreach (docs/securite.md).

Contacts are kept ``MAILLAGE_CONTACTS_RETENTION_YEARS`` years (3 by default): older ones are
refused at entry (forms and CSV import) and deleted by ``maillage outreach purger``. A
professional's outreach records are erased on request. Both reach every copy: the rows, their
versions in the model history, the explicit audit events on them, and the access log, where
the RPPS number is replaced by a pseudonym naming the erasure event instead of the person.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction

from maillage.engine.rules.common import add_years
from maillage.web.accounts.audit import pseudonymise_reads, record_change
from maillage.web.accounts.history import events_on, forget
from maillage.web.accounts.models import AuditEntry
from maillage.web.supply.models import Professional

from .models import CampaignTarget, Contact, Contract, FollowUp, Installation, Milestone

ERASED = "professionnel effacé"


def retention_years() -> int:
    return settings.MAILLAGE_CONTACTS_RETENTION_YEARS


def retention_limit(today: dt.date | None = None) -> dt.date:
    """First contact date still kept: older contacts are purged, and refused at entry."""
    return add_years(today or dt.date.today(), -retention_years())


def _ids(model, **link) -> set:
    """Ids of the ``model`` objects matching ``link``, deleted ones included (history)."""
    return set(model.objects.filter(**link).values_list("pk", flat=True)) | set(
        model.history.model.objects.filter(**link).values_list("id", flat=True)
    )


def purge_expired(today: dt.date | None = None, dry_run: bool = False) -> dict:
    """Delete the contacts older than the retention period, their follow-ups, and every
    trace of them in the model history and the audit events."""
    limit = retention_limit(today)
    expired = Contact.objects.filter(date__lt=limit)
    contacts = _ids(Contact, date__lt=limit)
    follow_ups = _ids(FollowUp, contact_id__in=contacts)
    counts = {
        "contacts": expired.count(),
        "suites": FollowUp.objects.filter(contact__in=expired).count(),
        "limite": limit.isoformat(),
    }
    if dry_run or not contacts:
        counts["historique"] = 0
        return counts
    with transaction.atomic():
        Milestone.objects.filter(contact__in=expired).update(contact=None)
        expired.delete()
        counts["historique"] = forget(Contact, contacts) + forget(FollowUp, follow_ups)
        if counts["contacts"]:
            record_change(
                None,
                Contact,
                AuditEntry.Action.PURGE,
                after={k: counts[k] for k in ("contacts", "suites")},
                comment=f"contacts antérieurs au {limit:%d/%m/%Y} ({retention_years()} ans)",
                label="purge de conservation des contacts",
            )
    return counts


@transaction.atomic
def erase_professional_records(professional: Professional, user) -> dict[str, int]:
    """Erase the outreach records of a professional on request (contacts, follow-ups, targets,
    installation pathway) with their history, and pseudonymise the professional in the
    journal. Contracts and payments are kept, with their history: they are accounting records
    with their own legal retention, which the right to erasure does not override."""
    contacts = _ids(Contact, professional_id=professional.pk)
    installations = _ids(Installation, professional_id=professional.pk)
    counts = {
        "contacts": Contact.objects.filter(professional=professional).count(),
        "cibles": CampaignTarget.objects.filter(professional=professional).count(),
        "installations": Installation.objects.filter(professional=professional).count(),
        "contrats_conserves": Contract.objects.filter(professional=professional).count(),
    }
    follow_ups = _ids(FollowUp, contact_id__in=contacts)
    milestones = _ids(Milestone, installation_id__in=installations)
    Contact.objects.filter(professional=professional).delete()
    CampaignTarget.objects.filter(professional=professional).delete()
    Installation.objects.filter(professional=professional).delete()
    counts["historique"] = (
        forget(Contact, contacts)
        + forget(FollowUp, follow_ups)
        + forget(Installation, installations)
        + forget(Milestone, milestones)
    )
    # The erasure is recorded without naming the person: its number is the pseudonym.
    event = record_change(
        user,
        Professional,
        AuditEntry.Action.EFFACEMENT,
        before=dict(counts),
        comment="effacement des données d'accompagnement à la demande du professionnel (RGPD)",
        label=ERASED,
    )
    pseudonym = f"effacement-{event.pk}"
    event.object_id = pseudonym
    event.save(update_fields=["object_id"])
    events_on(Professional, [professional.pk]).update(object_id=pseudonym, object_repr=ERASED)
    counts["acces_pseudonymises"] = pseudonymise_reads(professional.identifiant_national, pseudonym)
    return counts
