"""Key figures page (CPAM staff of the département, administrators), exports and drill-down."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from maillage.web.accounts.audit import log_access
from maillage.web.accounts.permissions import staff_required, visible_departements
from maillage.web.exports import download
from maillage.web.territories.models import Departement

from . import exports, services

FORMATS = ("json", "pdf", "xlsx")
# Drill-down lists that show professionals' names (personal data): consultations are logged.
PERSONAL_KINDS = {"contacts", "installations", "contrats", "versements", "offre"}


def _departements(user):
    codes = visible_departements(user)
    departements = Departement.objects.order_by("code")
    return departements if codes is None else departements.filter(code__in=codes)


def _check(user, code: str) -> Departement:
    departement = get_object_or_404(Departement, code=code)
    codes = visible_departements(user)
    if codes is not None and code not in codes:
        raise PermissionDenied("Ce département n'est pas dans votre périmètre.")
    return departement


def _year(value, default: int) -> int:
    try:
        year = int(value)
    except (TypeError, ValueError):
        return default
    return year if 2000 <= year <= 2100 else default


def _latest_activity_year(code: str | None) -> int | None:
    """The activity report covers a past year: default to the last year with contacts."""
    from maillage.web.outreach.models import Contact

    if not code:
        return None
    latest = (
        Contact.objects.filter(departement=code)
        .order_by("-date")
        .values_list("date", flat=True)
        .first()
    )
    return latest.year if latest else None


@staff_required
def index(request):
    departements = list(_departements(request.user))
    default_year = dt.date.today().year
    code = request.GET.get("departement") or (departements[0].code if departements else None)
    year = _year(request.GET.get("annee"), _latest_activity_year(code) or default_year - 1)
    figures = None
    if code:
        _check(request.user, code)
        figures = services.key_figures(code, year)
    return render(
        request,
        "reporting/index.html",
        {
            "departements": departements,
            "code": code,
            "year": year,
            "years": range(default_year - 5, default_year + 1),
            "f": figures,
            "formats": FORMATS,
        },
    )


@staff_required
def export(request, code: str, year: int, fmt: str):
    if fmt not in FORMATS:
        raise Http404("format inconnu")
    _check(request.user, code)
    content = exports.render(services.key_figures(code, year), fmt)
    return download(content, f"chiffres-cles-{code}-{year}.{fmt}")


@staff_required
def detail(request, code: str, year: int, kind: str):
    if kind not in services.DETAIL_KINDS:
        raise Http404("liste inconnue")
    departement = _check(request.user, code)
    filters = {
        k: v
        for k, v in request.GET.items()
        if k in ("canal", "categorie", "type", "annee", "individuel", "accompagne", "controle")
    }
    rows = services.records(kind, code, year, filters)
    if kind in PERSONAL_KINDS:
        log_access(
            request.user, f"chiffres-{kind}", f"{code}-{year}", f"détail d'un chiffre clé {filters}"
        )
    return render(
        request,
        f"reporting/detail_{kind}.html",
        {
            "departement": departement,
            "year": year,
            "rows": rows[:2000],
            "count": rows.count(),
            "filters": filters,
            "kind": kind,
        },
    )
