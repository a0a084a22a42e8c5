"""The journal administrators read: who read whose personal data (the access log) and who
changed what (the model history and the explicit audit events), filtered by user, dates and
professional (RPPS). The admin pages, their CSV export and ``maillage journal`` all read here.

Filtering the changes by professional follows the links of each record to the professional:
the referential row itself, their outreach contacts, follow-ups, installation pathway,
contracts and payments, and coordination memberships.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from maillage.web.accounts.history import (
    Change,
    changes,
    event_changes,
    events_on,
    newest_first,
    object_key,
    tracked_models,
)
from maillage.web.accounts.models import AccessLog, AuditEntry

ACCESS_COLUMNS = ["date", "utilisateur", "donnee", "objet", "rpps", "finalite", "page"]
CHANGE_COLUMNS = [
    "date",
    "utilisateur",
    "action",
    "objet",
    "libelle",
    "avant",
    "apres",
    "commentaire",
]

_RPPS_OR_PSEUDONYM = re.compile(r"[0-9A-Z]{9,12}|effacement-[0-9]{1,12}")


class JournalError(ValueError):
    """A filter the journal cannot apply (message in French)."""


@dataclass(frozen=True)
class JournalFilter:
    username: str = ""
    since: dt.date | None = None
    until: dt.date | None = None  # inclusive
    rpps: str = ""

    @classmethod
    def parse(cls, username="", since="", until="", rpps="") -> JournalFilter:
        def day(text, name):
            if not text:
                return None
            if isinstance(text, dt.date):
                return text
            try:
                value = dt.date.fromisoformat(str(text).strip())
            except ValueError:
                value = None
            first, last = settings.MAILLAGE_YEARS
            if value is None or not first <= value.year <= last:
                raise JournalError(
                    f"{name} : date illisible ou hors de {first}–{last} (attendu : AAAA-MM-JJ)"
                )
            return value

        username = (username or "").strip()
        if len(username) > 150 or any(ord(c) < 32 for c in username):
            raise JournalError("utilisateur : identifiant de compte invalide")
        rpps = (rpps or "").strip()
        if rpps and not _RPPS_OR_PSEUDONYM.fullmatch(rpps):
            # The log holds RPPS/ADELI numbers, or the pseudonym left by an erasure.
            raise JournalError(
                "rpps : attendu un numéro RPPS ou ADELI (9 à 12 caractères) ou « effacement-N »"
            )
        journal_filter = cls(username, day(since, "depuis"), day(until, "jusqu'au"), rpps)
        if (
            journal_filter.since
            and journal_filter.until
            and journal_filter.until < (journal_filter.since)
        ):
            raise JournalError("la date de fin précède la date de début")
        return journal_filter

    def _bounds(self) -> tuple[dt.datetime | None, dt.datetime | None]:
        def start(day):
            return timezone.make_aware(dt.datetime.combine(day, dt.time.min)) if day else None

        end = start(self.until + dt.timedelta(days=1)) if self.until else None
        return start(self.since), end

    def when(self, field: str) -> Q:
        low, high = self._bounds()
        q = Q()
        if low:
            q &= Q(**{f"{field}__gte": low})
        if high:
            q &= Q(**{f"{field}__lt": high})
        return q

    def who(self, field: str) -> Q:
        return Q(**{f"{field}__username": self.username}) if self.username else Q()


# --- Access log ---------------------------------------------------------------------------


def access_entries(journal_filter: JournalFilter):
    entries = AccessLog.objects.filter(
        journal_filter.when("at") & journal_filter.who("user")
    ).select_related("user")
    if journal_filter.rpps:
        entries = entries.filter(rpps=journal_filter.rpps)
    return entries.order_by("-at", "-id")


def access_row(entry: AccessLog) -> dict:
    return {
        "date": timezone.localtime(entry.at).isoformat(timespec="seconds"),
        "utilisateur": entry.user.username if entry.user else "",
        "donnee": entry.subject,
        "objet": entry.subject_id,
        "rpps": entry.rpps,
        "finalite": entry.purpose,
        "page": entry.route,
    }


def access_rows(journal_filter: JournalFilter) -> Iterator[dict]:
    for entry in access_entries(journal_filter).iterator(chunk_size=2000):
        yield access_row(entry)


def purge_access_log(today: dt.date | None = None, dry_run: bool = False) -> dict:
    """Delete access-log rows older than ``MAILLAGE_JOURNAL_ACCES_MOIS`` months (12)."""
    from maillage.engine.rules.common import add_months

    months = settings.MAILLAGE_JOURNAL_ACCES_MOIS
    limit = add_months(today or timezone.localdate(), -months)
    old = AccessLog.objects.filter(at__lt=JournalFilter(since=limit)._bounds()[0])
    count = old.count()
    if not dry_run and count:
        old.delete()
    return {"mois": months, "limite": limit.isoformat(), "lignes": count}


# --- Changes ------------------------------------------------------------------------------


def _professional_links(rpps: str) -> dict[type, set]:
    """The tracked objects tied to the professional ``rpps``, by model (deleted ones
    included: they are found in the history)."""
    from maillage.web.coordination.models import Member
    from maillage.web.outreach.models import (
        Contact,
        Contract,
        FollowUp,
        Installation,
        Milestone,
        Payment,
    )
    from maillage.web.supply.models import Professional

    def ids(model, **link):
        return set(model.objects.filter(**link).values_list("pk", flat=True)) | set(
            model.history.model.objects.filter(**link).values_list("id", flat=True)
        )

    professional = Professional.objects.filter(identifiant_national=rpps).first()
    historical = Professional.history.model.objects.filter(identifiant_national=rpps)
    pks = set(historical.values_list("id", flat=True)) | (
        {professional.pk} if professional else set()
    )
    if not pks:
        return {}
    contacts = ids(Contact, professional_id__in=pks)
    installations = ids(Installation, professional_id__in=pks)
    contracts = ids(Contract, professional_id__in=pks)
    return {
        Professional: pks,
        Contact: contacts,
        FollowUp: ids(FollowUp, contact_id__in=contacts),
        Installation: installations,
        Milestone: ids(Milestone, installation_id__in=installations),
        Contract: contracts,
        Payment: ids(Payment, contrat_id__in=contracts),
        Member: ids(Member, professional_id__in=pks),
    }


def change_list(journal_filter: JournalFilter, models: Iterable[type] | None = None) -> list:
    """Every change matching the filter, newest first, as :class:`Change`."""
    wanted_events = journal_filter.when("at") & journal_filter.who("user")
    wanted = journal_filter.when("history_date") & journal_filter.who("history_user")
    items: list[Change] = []
    if journal_filter.rpps:
        for model, ids in _professional_links(journal_filter.rpps).items():
            if not ids:
                continue
            records = model.history.model.objects.filter(id__in=ids)
            items += changes(records, wanted)
            items += event_changes(events_on(model, ids).filter(wanted_events))
        return newest_first(items)
    for model in models or tracked_models():
        historical = model.history.model
        key = object_key(historical)
        touched = historical.objects.filter(wanted).values(key)
        items += changes(historical.objects.filter(**{f"{key}__in": touched}), wanted)
    items += event_changes(
        AuditEntry.objects.filter(wanted_events).select_related("user", "content_type")
    )
    return newest_first(items)


def change_rows(journal_filter: JournalFilter) -> Iterator[dict]:
    for change in change_list(journal_filter):
        yield change.as_row()


# A cell starting with one of these is a formula to a spreadsheet (OWASP « CSV injection »):
# the journal holds text users typed (comments, names), so such cells are quoted.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def write_csv(rows: Iterable[dict], columns: list[str], out) -> int:
    """Rows as a ``;``-separated CSV (Excel in French reads it as is); returns the count."""
    writer = csv.writer(out, delimiter=";")
    writer.writerow(columns)
    count = 0
    for row in rows:
        writer.writerow([_cell(row.get(column)) for column in columns])
        count += 1
    return count
