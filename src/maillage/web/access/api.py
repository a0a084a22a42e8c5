"""Public JSON API of the access module (read only; scenarios are computed, never stored)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from ninja import Router
from ninja.errors import HttpError

from maillage.engine.parameters import NoValueAtDate
from maillage.web import request_params as bounds
from maillage.web.territories.models import Commune

from . import services
from .models import Profession
from .views import project_from

router = Router(tags=["Accessibilité"])


def _check(profession: str) -> str:
    try:
        return services.check_profession(profession)
    except ValueError as error:
        raise HttpError(400, str(error)) from error


@router.get(
    "/zonage",
    summary="Zonage officiel et zonage simulé des communes d'un territoire",
    description="Deux zonages jamais mélangés : « officiel » (arrêté importé) et "
    "« simulation » (calculé depuis l'APL). GeoJSON inclus avec geojson=true.",
)
def zoning(
    request,
    profession: Profession = Profession.MEDECIN,
    departement: bounds.DEPARTEMENT.annotation | None = None,
    region: bounds.REGION.annotation | None = None,
    date: bounds.DATE.annotation | None = None,
    geojson: bool = False,
):
    try:
        data = services.zoning_map(_check(profession), services.Scope.of(departement, region), date)
    except ValueError as error:
        raise HttpError(400, str(error)) from error
    if not geojson:
        data.pop("geojson")
    return data


@router.get("/communes/{code}", summary="Fiche accessibilité d'une commune")
def commune_card(
    request, code: bounds.COMMUNE.annotation, profession: Profession = Profession.MEDECIN
):
    commune = get_object_or_404(Commune, code=code)
    return services.commune_card(commune, _check(profession))


@router.get(
    "/aides",
    summary="Aides à l'installation (simulateur)",
    description="Zone donnée (zone=) ou lue pour la commune (commune=) : zonage officiel "
    "importé, sinon simulation ; « source_zone » dit lequel.",
)
def aids(
    request,
    profession: Profession,
    date: bounds.DATE.annotation,
    commune: bounds.COMMUNE.annotation | None = None,
    zone: bounds.ZONE_CLASS.annotation | None = None,
    premiere_installation: bool = False,
    deja_installe: bool = False,
    jours_par_semaine: bounds.DAYS_PER_WEEK.annotation | None = None,
    cabinet_secondaire: bool = False,
    exercice_groupe: bool = False,
    rejoint_cabinet: bool = False,
    age: bounds.AGE.annotation | None = None,
    accueil_stagiaire: bool = False,
    hopital_proximite: bool = False,
    qpv: bool = False,
    zfu_te: bool = False,
):
    if (commune is None) == (zone is None):
        raise HttpError(400, "indiquez soit commune, soit zone")
    project = project_from(
        {
            "premiere_installation": premiere_installation,
            "deja_installe": deja_installe,
            "jours_par_semaine": jours_par_semaine,
            "cabinet_secondaire": cabinet_secondaire,
            "exercice_groupe": exercice_groupe,
            "rejoint_cabinet": rejoint_cabinet,
            "age": age,
            "accueil_stagiaire": accueil_stagiaire,
            "hopital_proximite": hopital_proximite,
            "qpv": qpv,
            "zfu_te": zfu_te,
        }
    )
    try:
        if commune is not None:
            get_object_or_404(Commune, code=commune)
            resolved, result = services.aids_for_commune(commune, profession, date, project)
            data = result.to_dict()
            data["source_zone"] = {
                "zone": resolved.zone,
                "nature": resolved.nature,
                "detail": resolved.detail,
            }
            return data
        return services.simulate_aids(profession, zone, date, project).to_dict()
    except ValueError as error:
        raise HttpError(400, str(error)) from error


@router.get(
    "/scenario",
    summary="Scénario « et si » : APL et zonage simulé avant / après",
    description="Ajoute (etp > 0) ou retire (etp < 0) des ETP dans une commune ; seules les "
    "communes à portée sont recalculées. Calculé à la demande, rien n'est enregistré.",
)
def scenario(
    request,
    departement: bounds.DEPARTEMENT.annotation,
    commune: bounds.COMMUNE.annotation,
    etp: bounds.ETP.annotation,
    profession: Profession = Profession.MEDECIN,
    annee: bounds.YEAR.annotation | None = None,
):
    try:
        return services.scenario(_check(profession), departement, {commune: etp}, annee)
    except (ValueError, NoValueAtDate) as error:  # NoValueAtDate: a year before the method
        raise HttpError(400, str(error)) from error


@router.get(
    "/candidats",
    summary="Communes où un médecin généraliste de plus comblerait le plus de déficit",
)
def candidates(
    request,
    departement: bounds.DEPARTEMENT.annotation,
    annee: bounds.YEAR.annotation | None = None,
    limite: bounds.LIMIT.annotation = 10,
):
    try:
        return services.candidates(departement, annee, limite)
    except (ValueError, NoValueAtDate) as error:
        raise HttpError(400, str(error)) from error
