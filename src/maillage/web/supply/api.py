from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from maillage.web import request_params as bounds
from maillage.web.territories.models import Commune

from . import services

router = Router(tags=["Offre de soins"])


class CategoryCount(Schema):
    libelle: str
    effectif: int | None
    liberaux: int | None
    secret: bool


class ClassCount(Schema):
    libelle: str
    effectif: int


class StructureItem(Schema):
    identifiant: str
    nom: str


class CommuneOffer(Schema):
    professionnels: dict[str, CategoryCount]
    etablissements: dict[str, ClassCount]
    structures: dict[str, list[StructureItem]]


@router.get(
    "/communes/{code}",
    response=CommuneOffer,
    summary="Offre de soins d'une commune",
    description="Données publiques, sans données nominatives : professionnels en activité par "
    "catégorie, comptés dans la commune de leur exercice principal (effectif et libéraux), "
    "protégés par le secret statistique (effectif de 1 à seuil − 1 : null et secret = true), "
    "établissements par classe, structures "
    "d'exercice coordonné (MSP, centres de santé au siège dans la commune ; CPTS dont le "
    "périmètre la couvre). Paris, Lyon et Marseille cumulent leurs arrondissements.",
)
def commune_offer(request, code: bounds.COMMUNE.annotation):
    return services.commune_offer(get_object_or_404(Commune, code=code))
