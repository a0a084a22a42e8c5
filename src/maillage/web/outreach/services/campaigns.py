"""Campaign target lists and their progress."""

from __future__ import annotations

from django.db.models import Count, Exists, F, FloatField, OuterRef, QuerySet
from django.db.models.functions import Cast

from maillage.web.supply.models import Activity, IndicatorValue, Professional

from ..models import (
    Campaign,
    CampaignTarget,
    Contact,
)

# --- Campaigns ----------------------------------------------------------------------------


def target_professionals(
    departement_code: str,
    professions: list[str] | None = None,
    commune_code: str | None = None,
    liberal_only: bool = False,
    indicator: str | None = None,
    indicator_year: int | None = None,
    threshold: float | None = None,
) -> QuerySet:
    """Professionals practising in the département matching simple filters; with an indicator,
    only those practising in a commune where the indicator value reaches ``threshold``
    (value = facteur × numérateur / dénominateur, or the numerator when there is none)."""
    activities = Activity.objects.filter(commune__departement_id=departement_code)
    if professions:
        activities = activities.filter(professional__categorie__in=professions)
    if commune_code:
        activities = activities.filter(commune_id=commune_code)
    if liberal_only:
        activities = activities.filter(mode_exercice=Activity.Mode.LIBERAL)
    if indicator and threshold is not None:
        values = IndicatorValue.objects.filter(
            indicator_id=indicator, commune__departement_id=departement_code
        )
        if indicator_year:
            values = values.filter(annee=indicator_year)
        values = values.annotate(
            valeur=Cast(F("indicator__facteur"), FloatField())
            * F("numerateur")
            / Cast(F("denominateur"), FloatField())
        )
        communes = set(
            values.filter(denominateur__gt=0, valeur__gte=threshold).values_list(
                "commune_id", flat=True
            )
        ) | set(
            values.filter(denominateur__isnull=True, numerateur__gte=threshold).values_list(
                "commune_id", flat=True
            )
        )
        activities = activities.filter(commune_id__in=communes)
    return Professional.objects.filter(
        pk__in=activities.values("professional_id"), actif=True
    ).order_by("nom", "prenom")


def set_targets(campaign: Campaign, professionals) -> int:
    ids = list(professionals.values_list("pk", flat=True))
    CampaignTarget.objects.filter(campagne=campaign).exclude(professional_id__in=ids).delete()
    existing = set(campaign.cibles.values_list("professional_id", flat=True))
    CampaignTarget.objects.bulk_create(
        [CampaignTarget(campagne=campaign, professional_id=pk) for pk in ids if pk not in existing]
    )
    return len(ids)


def targets_with_status(campaign: Campaign) -> QuerySet:
    contacted = Contact.objects.filter(
        campagne=campaign, professional_id=OuterRef("professional_id")
    )
    return campaign.cibles.select_related("professional").annotate(contacte=Exists(contacted))


def campaign_progress(campaigns) -> dict[int, tuple[int, int]]:
    """``{campaign id: (targets contacted, targets)}`` in two aggregate queries."""
    totals = dict(
        CampaignTarget.objects.filter(campagne__in=campaigns)
        .values_list("campagne_id")
        .annotate(n=Count("id"))
    )
    contacted_rows = (
        CampaignTarget.objects.filter(campagne__in=campaigns)
        .filter(
            Exists(
                Contact.objects.filter(
                    campagne_id=OuterRef("campagne_id"), professional_id=OuterRef("professional_id")
                )
            )
        )
        .values_list("campagne_id")
        .annotate(n=Count("id"))
    )
    contacted = dict(contacted_rows)
    return {c.pk: (contacted.get(c.pk, 0), totals.get(c.pk, 0)) for c in campaigns}
