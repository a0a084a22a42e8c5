"""Read side of the supply referential, shared by the pages, the API, the CLI and other apps."""

from __future__ import annotations

from functools import lru_cache

from django.db.models import Count, Q, QuerySet

from maillage.engine.sources.finess import load_category_table
from maillage.engine.sources.professions import load_profession_table
from maillage.web.territories.models import Commune

from .models import Activity, Establishment, Professional, Structure, SupplyImport


@lru_cache(maxsize=1)
def category_labels() -> dict[str, str]:
    return load_profession_table().labels


@lru_cache(maxsize=1)
def class_labels() -> dict[str, str]:
    return load_category_table().labels


def commune_codes(commune: Commune) -> list[str]:
    """The commune and, for Paris / Lyon / Marseille, its arrondissements."""
    return [commune.code, *commune.arrondissements.values_list("code", flat=True)]


def professional_counts(codes: list[str]) -> dict[str, dict]:
    """Distinct active professionals by category in ``codes`` (all, and libéral)."""
    rows = (
        Activity.objects.filter(commune_id__in=codes, professional__actif=True)
        .values("professional__categorie")
        .annotate(
            effectif=Count("professional", distinct=True),
            liberaux=Count("professional", distinct=True, filter=Q(mode_exercice="L")),
        )
        .order_by("professional__categorie")
    )
    labels = category_labels()
    return {
        r["professional__categorie"]: {
            "libelle": labels.get(r["professional__categorie"], r["professional__categorie"]),
            "effectif": r["effectif"],
            "liberaux": r["liberaux"],
        }
        for r in rows
    }


def establishment_counts(codes: list[str]) -> dict[str, dict]:
    rows = (
        Establishment.objects.filter(commune_id__in=codes)
        .values("classe")
        .annotate(effectif=Count("finess"))
        .order_by("classe")
    )
    labels = class_labels()
    return {
        r["classe"]: {"libelle": labels.get(r["classe"], r["classe"]), "effectif": r["effectif"]}
        for r in rows
    }


def structures_of(codes: list[str]) -> dict[str, list[dict]]:
    """MSP and centres de santé seated in ``codes``; CPTS whose perimeter covers them."""
    seated = Structure.objects.filter(
        kind__in=[Structure.Kind.MSP, Structure.Kind.CDS, Structure.Kind.ESP], commune_id__in=codes
    )
    covering = Structure.objects.filter(
        kind=Structure.Kind.CPTS, perimetre__commune_id__in=codes
    ).distinct()
    result: dict[str, list[dict]] = {kind: [] for kind in ("MSP", "CDS", "CPTS")}
    for structure in [*seated.order_by("nom"), *covering.order_by("nom")]:
        result.setdefault(structure.kind, []).append(
            {"identifiant": structure.identifiant, "nom": structure.nom}
        )
    return result


def commune_offer(commune: Commune, exact: bool = False) -> dict:
    """Supply summary of a commune (counts only, no personal data).

    Public (default): the protected counts of the diagnosis (statistical secrecy, each
    professional in the commune of their main practice). ``exact``: distinct professionals
    practising in the commune — only for users who may see the nominative list.
    Paris, Lyon and Marseille add up their arrondissements, where RPPS activities are kept.
    """
    from maillage.web.diagnostics.services import published_professionals

    codes = commune_codes(commune)
    return {
        "professionnels": professional_counts(codes)
        if exact
        else published_professionals([commune.code]),
        "etablissements": establishment_counts(codes),
        "structures": structures_of(codes),
    }


def professionals_in(codes: list[str]) -> QuerySet[Professional]:
    """Active professionals with an activity in ``codes`` (personal data: check the scope)."""
    return (
        Professional.objects.filter(actif=True, activites__commune_id__in=codes)
        .distinct()
        .order_by("categorie", "nom", "prenom")
    )


def latest_rpps_imports(count: int = 2) -> list[SupplyImport]:
    return list(
        SupplyImport.objects.filter(kind=SupplyImport.Kind.RPPS).order_by("-date_import", "-pk")[
            :count
        ]
    )


def new_professionals(since_import: SupplyImport | None = None) -> QuerySet[Professional]:
    """Active professionals first seen in an RPPS import later than ``since_import``.

    Without ``since_import``, those that appeared in the latest RPPS import compared with the
    previous one. The very first import reveals nobody: everybody is in it, nobody is "new".
    """
    if since_import is None:
        imports = latest_rpps_imports(2)
        if len(imports) < 2:
            return Professional.objects.none()
        since_import = imports[1]
    later = SupplyImport.objects.filter(kind=SupplyImport.Kind.RPPS).filter(
        Q(date_import__gt=since_import.date_import)
        | Q(date_import=since_import.date_import, pk__gt=since_import.pk)
    )
    return Professional.objects.filter(actif=True, premier_import__in=later)


def departement_counts(departements: set[str] | None) -> list[dict]:
    """Distinct active professionals by category and département (None = every département)."""
    activities = Activity.objects.filter(professional__actif=True, commune__isnull=False)
    if departements is not None:
        activities = activities.filter(commune__departement_id__in=departements)
    rows = (
        activities.values("commune__departement_id", "professional__categorie")
        .annotate(
            effectif=Count("professional", distinct=True),
            liberaux=Count("professional", distinct=True, filter=Q(mode_exercice="L")),
        )
        .order_by("commune__departement_id", "professional__categorie")
    )
    labels = category_labels()
    return [
        {
            "departement": r["commune__departement_id"],
            "categorie": r["professional__categorie"],
            "libelle": labels.get(r["professional__categorie"], r["professional__categorie"]),
            "effectif": r["effectif"],
            "liberaux": r["liberaux"],
        }
        for r in rows
    ]
