from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from maillage.web import request_params as bounds

from . import services
from .models import Commune

router = Router(tags=["Territoires"])


class CommuneOut(Schema):
    code: str
    nom: str
    departement: str | None
    region: str | None
    epci: str | None
    population: int | None
    population_annee: int | None
    centre: list[float] | None
    contour: bool


class CommuneListItem(Schema):
    code: str
    nom: str
    departement: str | None
    population: int | None


@router.get(
    "/communes/{code}",
    response=CommuneOut,
    summary="Fiche d'une commune",
    description="Données publiques du référentiel : code INSEE, rattachements, "
    "population légale et son millésime, centre [lon, lat].",
)
def get_commune(request, code: bounds.COMMUNE.annotation):
    return services.commune_summary(get_object_or_404(Commune, code=code))


@router.get(
    "/communes",
    response=list[CommuneListItem],
    summary="Recherche de communes",
    description="Par nom, code INSEE ou code postal (20 résultats au plus).",
)
def list_communes(request, q: bounds.SEARCH.annotation):
    return [
        {"code": c.code, "nom": c.nom, "departement": c.departement_id, "population": c.population}
        for c in services.search_communes(q)
    ]
