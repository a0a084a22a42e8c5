"""Read side of the territory referential, shared by the web pages, the API and the CLI."""

from __future__ import annotations

from django.db.models import Q
from shapely.geometry import shape

from .models import Commune


def commune_summary(commune: Commune) -> dict:
    """The public card of a commune (`maillage commune CODE --json`, `/api/communes/{code}`)."""
    return {
        "code": commune.code,
        "nom": commune.nom,
        "departement": commune.departement_id,
        "region": commune.region_id,
        "epci": commune.epci_id,
        "population": commune.population,
        "population_annee": commune.population_annee,
        "centre": list(commune.centre) if commune.centre else None,
        "contour": commune.contour is not None,
    }


def neighbours(commune: Commune, limit: int = 60) -> list[Commune]:
    """Current communes whose outline touches or overlaps that of ``commune``.

    The bounding boxes stored at import narrow the search in SQL; shapely decides on the
    few candidates left.
    """
    if commune.contour is None or commune.bbox_min_lon is None:
        return []
    margin = 1e-4
    candidates = (
        Commune.objects.filter(
            statut=Commune.Statut.ACTUELLE,
            contour__isnull=False,
            bbox_min_lon__lte=commune.bbox_max_lon + margin,
            bbox_max_lon__gte=commune.bbox_min_lon - margin,
            bbox_min_lat__lte=commune.bbox_max_lat + margin,
            bbox_max_lat__gte=commune.bbox_min_lat - margin,
        )
        .exclude(code=commune.code)
        .exclude(nature=Commune.Nature.ARRONDISSEMENT, commune_parente=None)
    )
    own = shape(commune.contour).buffer(margin)
    found = [c for c in candidates if own.intersects(shape(c.contour))]
    found.sort(key=lambda c: c.nom)
    return found[:limit]


def search_communes(query: str, limit: int = 20) -> list[Commune]:
    query = query.strip()
    if not query:
        return []
    base = Commune.objects.filter(statut=Commune.Statut.ACTUELLE).defer("contour")
    if query.isdigit() and len(query) == 5:
        by_code = list(base.filter(Q(code=query) | Q(codes_postaux__icontains=query))[:limit])
        if by_code:
            return by_code
    return list(base.filter(nom__icontains=query).order_by("-population", "nom")[:limit])
