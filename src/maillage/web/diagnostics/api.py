"""JSON API of the diagnosis: public (secrecy already applied), saved territories owner-only."""

from __future__ import annotations

from typing import Annotated

from django.http import Http404
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.security import django_auth
from pydantic import Field

from maillage.web import request_params as bounds
from maillage.web.territories.services import search_communes, zonings_summary

from . import services
from .models import SavedTerritory
from .views import selection_from

router = Router(tags=["Diagnostics"])


Point = Annotated[
    list[Annotated[float, Field(ge=-180, le=180)]],
    Field(min_length=2, max_length=2, description="[longitude, latitude] en degrés WGS 84"),
]


class Selection(Schema):
    communes: (
        Annotated[list[bounds.COMMUNE.annotation], Field(max_length=bounds.MAX_COMMUNES)] | None
    ) = None
    epci: bounds.SIREN.annotation | None = None
    cpts: bounds.CPTS.annotation | None = None
    zone: bounds.ZONE.annotation | None = None
    autour: bounds.COMMUNE.annotation | None = None
    km: bounds.KM.annotation | None = None
    minutes: bounds.MINUTES.annotation | None = None
    polygone: Annotated[list[Point], Field(min_length=3, max_length=10_000)] | None = None
    nom: bounds.NAME.annotation | None = None


def _diagnose(codes, label):
    try:
        return services.diagnose(codes, label=label)
    except services.TerritoryError as error:
        raise HttpError(400, str(error)) from error


@router.get("/", url_name="diagnostics_get", summary="Diagnostic d'un territoire (paramètres)")
def get_diagnosis(
    request,
    communes: bounds.COMMUNE_LIST.annotation | None = None,
    epci: bounds.SIREN.annotation | None = None,
    cpts: bounds.CPTS.annotation | None = None,
    zone: bounds.ZONE.annotation | None = None,
    autour: bounds.COMMUNE.annotation | None = None,
    km: bounds.KM.annotation | None = None,
    minutes: bounds.MINUTES.annotation | None = None,
    territoire: bounds.PK.annotation | None = None,
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
        raise HttpError(404, "Territoire enregistré introuvable.") from error
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
def zonings(request, departement: bounds.DEPARTEMENT.annotation | None = None):
    return zonings_summary(departement or None)


@router.get("/recherche", url_name="diagnostics_search", summary="Communes par nom ou code postal")
def search(request, q: bounds.SEARCH.annotation = ""):
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
