"""Administration of accounts, and the journal: access log, audit events, change history.

Administrators read the logs here (read-only: nobody edits or deletes a log entry from the
admin), export them as CSV, and search the whole change history by user, date and RPPS in the
journal page (``journal_view``). Admin pages showing professionals log their reads
(:class:`AccessLoggedAdmin`).
"""

from __future__ import annotations

import io
from functools import reduce

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.http import HttpResponse
from django.shortcuts import render
from simple_history.admin import SimpleHistoryAdmin

from .audit import log_access
from .models import AccessLog, AuditEntry, User
from .permissions import role_required
from .personal_data import personal_data
from .roles import Role

JOURNAL_PAGE_ROWS = 500


def _csv_response(rows, columns, name: str) -> HttpResponse:
    from maillage.web.journal import write_csv

    buffer = io.StringIO()
    write_csv(rows, columns, buffer)
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


class AccessLoggedAdmin(admin.ModelAdmin):
    """An admin whose lists, forms and history pages show professionals: each read is logged
    with the RPPS numbers shown (``rpps_path`` leads from a row to the number)."""

    access_subject = "administration"
    rpps_path = "identifiant_national"

    def _rpps(self, obj) -> str:
        return reduce(lambda o, name: getattr(o, name, None), self.rpps_path.split("__"), obj)

    def _log(self, request, what: str, objects) -> None:
        numbers = [self._rpps(o) for o in objects if o is not None]
        log_access(request, self.access_subject, what, "administration", rpps=numbers)

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        cl = (getattr(response, "context_data", None) or {}).get("cl")
        if cl is not None:
            self._log(request, "liste", list(cl.result_list))
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        self._log(request, str(object_id), [self.get_object(request, object_id)])
        return response

    def history_view(self, request, object_id, extra_context=None):
        response = super().history_view(request, object_id, extra_context)
        self._log(request, f"historique {object_id}", [self.get_object(request, object_id)])
        return response


class ReadOnlyLogAdmin(admin.ModelAdmin):
    actions = ["export_csv"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(User)
class MaillageUserAdmin(SimpleHistoryAdmin, UserAdmin):
    fieldsets = (
        *UserAdmin.fieldsets,
        ("Périmètre", {"fields": ("organisation", "departements", "rpps")}),
    )
    filter_horizontal = ("groups", "user_permissions", "departements")
    list_display = ("username", "email", "first_name", "last_name", "organisation", "is_staff")


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyLogAdmin):
    list_display = ("at", "user", "subject", "subject_id", "rpps", "purpose", "route")
    list_filter = ("subject", ("at", admin.DateFieldListFilter))
    search_fields = ("rpps", "user__username", "subject_id")
    date_hierarchy = "at"
    list_select_related = ("user",)

    @admin.action(description="Exporter en CSV")
    def export_csv(self, request, queryset):
        from maillage.web.journal import ACCESS_COLUMNS, access_row

        rows = (access_row(e) for e in queryset.select_related("user").order_by("-at"))
        return _csv_response(rows, ACCESS_COLUMNS, "journal-acces")


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyLogAdmin):
    list_display = ("at", "user", "action", "content_type", "object_id", "object_repr")
    list_filter = ("action", "content_type", ("at", admin.DateFieldListFilter))
    search_fields = ("user__username", "object_id", "object_repr", "comment")
    date_hierarchy = "at"
    list_select_related = ("user", "content_type")

    @admin.action(description="Exporter en CSV")
    def export_csv(self, request, queryset):
        from maillage.web.accounts.history import event_changes
        from maillage.web.journal import CHANGE_COLUMNS

        entries = queryset.select_related("user", "content_type").order_by("-at")
        rows = (c.as_row() for c in event_changes(entries))
        return _csv_response(rows, CHANGE_COLUMNS, "actes-traces")


@role_required(Role.ADMINISTRATEUR)
@personal_data
def journal_view(request):
    """The journal page of the administration: access log or change history, filtered by
    user, dates and RPPS; the same filters give the CSV export (``?format=csv``)."""
    from maillage.web import journal

    kind = (
        request.GET.get("type")
        if request.GET.get("type") in ("acces", "modifications")
        else "acces"
    )
    params = {k: request.GET.get(k, "") for k in ("utilisateur", "depuis", "jusqu_au", "rpps")}
    error, rows = "", []
    try:
        journal_filter = journal.JournalFilter.parse(
            params["utilisateur"], params["depuis"], params["jusqu_au"], params["rpps"]
        )
    except journal.JournalError as exc:
        error, journal_filter = str(exc), None
    columns = journal.ACCESS_COLUMNS if kind == "acces" else journal.CHANGE_COLUMNS
    if journal_filter is not None:
        # The journal names professionals too: reading it is logged, and a search by RPPS is a
        # read of that professional's data (the number goes where erasure will find it).
        log_access(
            request,
            "journal",
            kind,
            "lecture du journal",
            rpps=[journal_filter.rpps] if journal_filter.rpps else (),
        )
        if kind == "acces":
            rows = journal.access_rows(journal_filter)
        else:
            rows = journal.change_rows(journal_filter)
        if request.GET.get("format") == "csv":
            return _csv_response(rows, columns, f"journal-{kind}")
        rows = [row for _, row in zip(range(JOURNAL_PAGE_ROWS), rows, strict=False)]
    context = {
        **admin.site.each_context(request),
        "title": "Journal des accès et des modifications",
        "kind": kind,
        "params": params,
        "columns": columns,
        "rows": [[row[c] for c in columns] for row in rows],
        "limit": JOURNAL_PAGE_ROWS,
        "error": error,
        "query": request.GET.urlencode(),
    }
    return render(request, "admin/journal.html", context, status=400 if error else 200)
