"""Key figures page (CPAM staff of the département, administrators), exports and drill-down."""

from __future__ import annotations

import datetime as dt

from django.http import Http404
from django.shortcuts import get_object_or_404, render

from maillage.web import request_params as bounds
from maillage.web.accounts.audit import log_access
from maillage.web.accounts.permissions import staff_required
from maillage.web.accounts.personal_data import personal_data
from maillage.web.accounts.scope import require_departement, scoped
from maillage.web.exports import download
from maillage.web.territories.models import Departement

from . import evolution, exports, services

FORMATS = ("json", "pdf", "xlsx")
# Drill-down lists that show professionals' names (personal data): consultations are logged,
# naming each professional shown (the path to their RPPS number in the list's rows).
PERSONAL_KINDS = {
    "contacts": "professional__identifiant_national",
    "installations": "professional__identifiant_national",
    "contrats": "professional__identifiant_national",
    "versements": "contrat__professional__identifiant_national",
    "offre": "identifiant_national",
}
SHOWN_ROWS = 2000
FILTER = bounds.Text("filtre de la liste", 40)


def _departements(user):
    return scoped(Departement.objects.order_by("code"), user, "code")


def _check(user, code: str) -> Departement:
    departement = get_object_or_404(Departement, code=code)
    require_departement(user, code)
    return departement


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
    code = bounds.DEPARTEMENT.get(
        request.GET, "departement", departements[0].code if departements else None
    )
    year = bounds.YEAR.get(request.GET, "annee", _latest_activity_year(code) or default_year - 1)
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
            "evolution": evolution.charts(evolution.series(code, year)) if figures else [],
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
@personal_data
def detail(request, code: str, year: int, kind: str):
    if kind not in services.DETAIL_KINDS:
        raise Http404("liste inconnue")
    departement = _check(request.user, code)
    filters = {
        k: FILTER.parse(v, k)
        for k, v in request.GET.items()
        if k in ("canal", "categorie", "type", "individuel", "accompagne", "controle")
    }
    if request.GET.get("annee"):
        filters["annee"] = str(bounds.YEAR.require(request.GET, "annee"))
    rows = services.records(kind, code, year, filters)
    if kind in PERSONAL_KINDS:
        log_access(
            request,
            f"chiffres-{kind}",
            f"{code}-{year}",
            f"détail d'un chiffre clé {filters}",
            rpps=rows[:SHOWN_ROWS].values_list(PERSONAL_KINDS[kind], flat=True),
        )
    return render(
        request,
        f"reporting/detail_{kind}.html",
        {
            "departement": departement,
            "year": year,
            "rows": rows[:SHOWN_ROWS],
            "count": rows.count(),
            "filters": filters,
            "kind": kind,
        },
    )
