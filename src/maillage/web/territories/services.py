"""Read side of the territory referential, shared by the web pages, the API and the CLI."""

from __future__ import annotations

from django.db.models import Count, Q, Sum

from .models import Commune, PopulationLegale, Zonage, Zone, ZoneCommune


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
    from shapely.geometry import shape  # only pages with neighbours need shapely

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


def search_example() -> str:
    """« Name, INSEE code, postcode » of the most populous commune loaded: the search field's
    example always finds something (the fictitious demo territory has no Toulon)."""
    commune = (
        Commune.objects.filter(statut=Commune.Statut.ACTUELLE, nature=Commune.Nature.COMMUNE)
        .order_by("-population", "nom")
        .only("nom", "code", "codes_postaux")
        .first()
    )
    if commune is None:
        return "Toulon, 83137, 83000"
    postcode = commune.codes_postaux[0] if commune.codes_postaux else ""
    return ", ".join(part for part in (commune.nom, commune.code, postcode) if part)


# ---------------------------------------------------------------------------------------------
# Study zonings (TVS, bassins de vie…)


class ZoneNotFound(LookupError):
    """A zone reference that names no loaded zone (message in French)."""


def parse_zone_reference(reference: str) -> tuple[str, int | None, str]:
    """``"tvs:T01"`` or ``"tvs@2024:T01"`` → (zoning code, millésime or None, zone code)."""
    head, sep, zone = (reference or "").strip().partition(":")
    if not sep or not head or not zone:
        raise ZoneNotFound(
            f"zone mal désignée : « {reference} » (attendu : ZONAGE:CODE, ex. tvs:T01)"
        )
    code, at, year = head.partition("@")
    if at and not year.isdigit():
        raise ZoneNotFound(f"millésime illisible dans « {reference} »")
    return code.strip().lower(), int(year) if at else None, zone.strip()


def find_zone(reference: str) -> Zone:
    """The zone named by ``reference``; without a millésime, that of the newest vintage of the
    zoning."""
    code, year, zone = parse_zone_reference(reference)
    zonings = Zonage.objects.filter(code=code)
    if year is not None:
        zonings = zonings.filter(millesime=year)
    zonage = zonings.order_by("-millesime").first()
    if zonage is None:
        raise ZoneNotFound(f"zonage inconnu : {code}" + (f" ({year})" if year else ""))
    found = Zone.objects.filter(zonage=zonage, code=zone).select_related("zonage").first()
    if found is None:
        raise ZoneNotFound(f"zone inconnue dans « {zonage.libelle} » : {zone}")
    return found


def zone_reference(zone: Zone) -> str:
    return f"{zone.zonage.code}@{zone.zonage.millesime}:{zone.code}"


def zone_communes(zone: Zone) -> list[str]:
    return sorted(ZoneCommune.objects.filter(zone=zone).values_list("commune_id", flat=True))


def zone_label(zone: Zone) -> str:
    libelle = zone.zonage.libelle
    if zone.zonage.fictif and "fictif" not in libelle.lower():
        libelle += ", fictif"
    return f"{zone.nom} ({libelle})"


def zonings_summary(departement: str | None = None) -> list[dict]:
    """Loaded zonings with their zones (code, name, number of communes, population), newest
    vintage first; limited to zones holding a commune of ``departement`` when given.

    One aggregate query for all the zones (no query per zone)."""
    memberships = ZoneCommune.objects.all()
    if departement:
        memberships = memberships.filter(commune__departement_id=departement)
    rows = (
        memberships.values("zone_id")
        .annotate(nb=Count("commune_id"), population=Sum("commune__population"))
        .order_by()
    )
    stats = {r["zone_id"]: r for r in rows}
    zones = Zone.objects.filter(pk__in=list(stats)).select_related("zonage").order_by("nom")
    by_zoning: dict[int, dict] = {}
    for zonage in Zonage.objects.order_by("code", "-millesime"):
        by_zoning[zonage.pk] = {
            "code": zonage.code,
            "type": zonage.type,
            "type_libelle": zonage.get_type_display(),
            "libelle": zonage.libelle,
            "millesime": zonage.millesime,
            "source": zonage.source,
            "fictif": zonage.fictif,
            "zones": [],
        }
    for zone in zones:
        by_zoning[zone.zonage_id]["zones"].append(
            {
                "code": zone.code,
                "nom": zone.nom,
                "reference": zone_reference(zone),
                "communes": stats[zone.pk]["nb"],
                "population": stats[zone.pk]["population"],
            }
        )
    return [z for z in by_zoning.values() if z["zones"] or not departement]


# ---------------------------------------------------------------------------------------------
# Population history


def population_years() -> list[int]:
    return list(
        PopulationLegale.objects.order_by("annee").values_list("annee", flat=True).distinct()
    )
