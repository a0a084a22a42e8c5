"""Yearly dashboards of the coordinated care of a département or a region (CPAM staff)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render

from maillage.web import request_params as bounds
from maillage.web.accounts.permissions import role_required
from maillage.web.accounts.scope import can_see_departement, visible_departements
from maillage.web.territories.models import Departement, Region

from .. import services
from ..models import Contract
from .common import STAFF


def _dashboard(request, title: str, departements: list[str], scope_label: str):
    year = bounds.YEAR.get(request.GET, "annee", dt.date.today().year)
    cov = services.coverage(departements, year)
    money = services.amounts(departements, year)
    part = services.participants(departements, year)
    total_part = sum(part.values())
    context = {
        "titre": title,
        "scope": scope_label,
        "annee": year,
        "annees": [
            y for y in range(year - 4, year + 2) if bounds.YEAR.minimum <= y <= bounds.YEAR.maximum
        ],
        "couverture": cov,
        "part_pct": cov["part_population_couverte"] * 100,
        "montants": money,
        "ecart": money["dus"] - money["verses"],
        "msp_aci": services.msp_under_aci(departements, year),
        "etapes": services.stages(departements),
        "participants": [
            (services.profession_label(cat), n, n / total_part * 100 if total_part else 0)
            for cat, n in part.items()
        ],
        "total_participants": total_part,
        "retards": services.late_missions(departements),
        "carte": services.cpts_map(departements, year),
        "contrats": list(
            Contract.objects.filter(
                dossier__structure__commune__departement__in=departements
            ).select_related("dossier__structure")
        ),
    }
    return render(request, "coordination/dashboard.html", context)


@role_required(*STAFF)
def dashboard_departement(request, code: str):
    departement = get_object_or_404(Departement, code=code)
    if not can_see_departement(request.user, code):
        raise PermissionDenied
    return _dashboard(request, f"{departement.nom} ({code})", [code], "département")


@role_required(*STAFF)
def dashboard_region(request, code: str):
    region = get_object_or_404(Region, code=code)
    codes = list(region.departements.values_list("code", flat=True))
    scope = visible_departements(request.user)
    if scope is not None and not set(codes) <= scope:
        raise PermissionDenied  # a region view needs every département of the region
    return _dashboard(request, f"Région {region.nom}", codes, "région")
