from django.db.models import Count, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from maillage.engine.demo.territory import DEPARTEMENT as DEMO_DEPARTEMENT
from maillage.web import request_params as bounds

from . import services
from .models import Commune, Departement

OUTLINE_ATTRIBUTION = "Contours IGN ADMIN EXPRESS — Licence Ouverte"
DEMO_ATTRIBUTION = "Territoire fictif — données inventées"


def home(request):
    query = bounds.SEARCH.get(request.GET, "q", "")
    results = services.search_communes(query) if query else []
    stats = Commune.objects.filter(
        statut=Commune.Statut.ACTUELLE, nature=Commune.Nature.COMMUNE
    ).aggregate(communes=Count("code"), population=Sum("population"))
    departements = Departement.objects.annotate(nb=Count("communes")).filter(nb__gt=0)
    return render(
        request,
        "territories/home.html",
        {
            "query": query,
            "results": results,
            "stats": stats,
            "departements": departements,
            "example": services.search_example(),
        },
    )


def commune_detail(request, code: str):
    commune = get_object_or_404(
        Commune.objects.select_related(
            "departement", "region", "epci", "commune_parente", "fusionnee_dans"
        ),
        code=code,
    )
    if commune.statut == Commune.Statut.FUSIONNEE and commune.fusionnee_dans is None:
        raise Http404
    neighbours = services.neighbours(commune)
    features = [_feature(commune, "commune")] if commune.contour else []
    features += [_feature(n, "voisine") for n in neighbours]
    bands = commune.age_bands()
    known = [v for _, v in bands if v is not None]
    total_ages = sum(known) if len(known) == len(bands) else None
    return render(
        request,
        "territories/commune.html",
        {
            "commune": commune,
            "neighbours": neighbours,
            "map_data": {
                "type": "FeatureCollection",
                "features": features,
                "centre": list(commune.centre) if commune.centre else None,
                "attribution": DEMO_ATTRIBUTION
                if commune.departement_id == DEMO_DEPARTEMENT[0]
                else OUTLINE_ATTRIBUTION,
            },
            "age_bands": [
                (label, value, (value / total_ages * 100) if total_ages else None)
                for label, value in bands
            ],
            "arrondissements": commune.arrondissements.order_by("code").defer("contour"),
        },
    )


def departement_detail(request, code: str):
    departement = get_object_or_404(Departement.objects.select_related("region"), code=code)
    communes = (
        departement.communes.filter(statut=Commune.Statut.ACTUELLE)
        .exclude(nature=Commune.Nature.ARRONDISSEMENT)
        .defer("contour")
        .order_by("-population", "nom")
    )
    totals = communes.aggregate(population=Sum("population"), nb=Count("code"))
    return render(
        request,
        "territories/departement.html",
        {
            "departement": departement,
            "communes": communes,
            "totals": totals,
        },
    )


def _feature(commune: Commune, role: str) -> dict:
    return {
        "type": "Feature",
        "geometry": commune.contour,
        "properties": {
            "code": commune.code,
            "nom": commune.nom,
            "role": role,
            "population": commune.population,
        },
    }


def zonages(request):
    """Public list of the study zonings (TVS, bassins de vie…) and their zones."""
    departement = bounds.DEPARTEMENT.get(request.GET, "departement")
    return render(
        request,
        "territories/zonages.html",
        {
            "zonings": services.zonings_summary(departement),
            "departement": departement,
            "departements": Departement.objects.filter(communes__zones_etude__isnull=False)
            .distinct()
            .order_by("code"),
        },
    )


def zone_detail(request, code: str, millesime: int, zone: str):
    """Communes of one zone, with their legal population."""
    try:
        found = services.find_zone(f"{code}@{millesime}:{zone}")
    except services.ZoneNotFound as error:
        raise Http404(str(error)) from error
    communes = (
        Commune.objects.filter(zones_etude__zone=found)
        .defer("contour")
        .order_by("-population", "nom")
    )
    return render(
        request,
        "territories/zone.html",
        {
            "zone": found,
            "communes": communes,
            "totals": communes.aggregate(population=Sum("population"), nb=Count("code")),
            "reference": services.zone_reference(found),
        },
    )
