"""JSON API of the diagnosis: public (secrecy already applied), saved territories owner-only."""

from __future__ import annotations

from django.http import Http404
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.security import django_auth

from maillage.web.territories.services import search_communes, zonings_summary

from . import services
from .models import SavedTerritory
from .views import selection_from

router = Router(tags=["Diagnostics"])


class Selection(Schema):
    communes: list[str] | None = None
    epci: str | None = None
    cpts: str | None = None
    zone: str | None = None
    autour: str | None = None
    km: float | None = None
    minutes: float | None = None
    polygone: list[list[float]] | None = None
    nom: str | None = None


def _diagnose(codes, label):
    try:
        return services.diagnose(codes, label=label)
    except services.TerritoryError as error:
        raise HttpError(400, str(error)) from error


@router.get("/", url_name="diagnostics_get", summary="Diagnostic d'un territoire (paramètres)")
def get_diagnosis(
    request,
    communes: str = "",
    epci: str = "",
    cpts: str = "",
    zone: str = "",
    autour: str = "",
    km: float | None = None,
    minutes: float | None = None,
    territoire: int | None = None,
):
    params = {
        "communes": communes,
        "epci": epci,
        "cpts": cpts,
        "zone": zone,
        "autour": autour,
        "km": km,
        "minutes": minutes,
        "territoire": territoire,
    }
    try:
        codes, label = selection_from(params, request.user)
    except services.TerritoryError as error:
        raise HttpError(400, str(error)) from error
    except Http404 as error:
        raise HttpError(404, "territoire introuvable") from error
    return _diagnose(codes, label)


@router.post("/", url_name="diagnostics_post", summary="Diagnostic d'une sélection (corps JSON)")
def post_diagnosis(request, selection: Selection):
    try:
        codes, label = services.resolve(
            communes=selection.communes,
            epci=selection.epci,
            cpts=selection.cpts,
            zone=selection.zone,
            autour=selection.autour,
            km=selection.km,
            minutes=selection.minutes,
            polygone=selection.polygone,
        )
    except services.TerritoryError as error:
        raise HttpError(400, str(error)) from error
    return _diagnose(codes, selection.nom or label)


@router.get(
    "/zonages",
    url_name="diagnostics_zonings",
    summary="Zonages d'étude (TVS, bassins de vie…) et leurs zones",
    description="Référence de chaque zone à passer au paramètre « zone » "
    "(ZONAGE@MILLÉSIME:CODE, ou ZONAGE:CODE pour le dernier millésime).",
)
def zonings(request, departement: str = ""):
    return zonings_summary(departement or None)


@router.get("/recherche", url_name="diagnostics_search", summary="Communes par nom ou code postal")
def search(request, q: str = ""):
    return [
        {"code": c.code, "nom": c.nom, "departement": c.departement_id, "population": c.population}
        for c in search_communes(q, limit=15)
    ]


@router.get(
    "/territoires",
    auth=django_auth,
    url_name="diagnostics_saved",
    summary="Mes territoires enregistrés",
)
def saved(request):
    return [
        {"id": s.pk, "nom": s.nom, "communes": s.communes}
        for s in SavedTerritory.objects.filter(owner=request.user)
    ]
