"""Outreach services: scope of personal data, target lists, installation pathway, contracts,
retention and GDPR requests. Views, commands and the demo all go through these functions."""

from __future__ import annotations

import datetime as dt
import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Count, Exists, F, FloatField, OuterRef, Q, QuerySet
from django.db.models.functions import Cast

from maillage.engine.vocabulary import GP, NURSE
from maillage.web.accounts.scope import scoped, visible_departements
from maillage.web.supply.models import Activity, IndicatorValue, Professional, SupplyImport
from maillage.web.supply.services import new_professionals

from . import contracts as contract_rules
from .models import (
    Campaign,
    CampaignTarget,
    Contact,
    Contract,
    FollowUp,
    Installation,
    Milestone,
    Payment,
    ScheduledPayment,
)

# Installation pathway: months after the installation date. The 6-month and one-year
# follow-ups are those described in the CPAM reports (seeds); the delay of the installation
# appointment is not documented anywhere: one month is a default, overridable in settings.
DEFAULT_MILESTONE_MONTHS = {
    Milestone.Kind.RDV_INSTALLATION: 1,
    Milestone.Kind.SUIVI_6_MOIS: 6,
    Milestone.Kind.SUIVI_1_AN: 12,
}
# The pedagogical first-billing check of nurses takes place at the 6-month follow-up.
NURSE_CATEGORY = NURSE
GP_CATEGORY = GP


def milestone_months() -> dict[str, int]:
    configured = settings.MAILLAGE_JALONS_INSTALLATION_MOIS
    return {
        kind: int(configured.get(kind, months)) for kind, months in DEFAULT_MILESTONE_MONTHS.items()
    }


# --- Scope (the rule lives in accounts.scope) ------------------------------------------


def _practice_departements(professional: Professional) -> list[str]:
    """Départements where a professional practises, main place first (libéral first, then
    the number of places of practice)."""
    rows = (
        Activity.objects.filter(professional=professional, commune__isnull=False)
        .values("commune__departement_id", "mode_exercice")
        .annotate(n=Count("id"))
    )
    ranked = sorted(rows, key=lambda r: (r["mode_exercice"] != "L", -r["n"]))
    return list(dict.fromkeys(r["commune__departement_id"] for r in ranked))


def departement_of(professional: Professional) -> str | None:
    """The département of a professional's main place of practice (libéral first)."""
    codes = _practice_departements(professional)
    return codes[0] if codes else None


def departement_for(user, professional: Professional) -> str | None:
    """The département a record about ``professional`` entered by ``user`` belongs to: the
    main place of practice when ``user`` may see it, else the département of their scope where
    the professional practises (the one the search showed them); ``None`` when the
    professional practises nowhere in the scope, so that nothing is ever written outside it."""
    codes = visible_departements(user)
    return next(
        (code for code in _practice_departements(professional) if codes is None or code in codes),
        None,
    )


def reader_departement(user, professional: Professional) -> str | None:
    """The département of ``user``'s scope through which they may open a professional's
    outreach file: where the professional practises, else where outreach holds records on
    them (a professional who left keeps their file); ``None`` when neither is in the scope."""
    code = departement_for(user, professional)
    for model in (Contact, Installation, Contract):
        if code is not None:
            break
        code = (
            scoped(model.objects.filter(professional=professional), user)
            .values_list("departement_id", flat=True)
            .first()
        )
    return code


def professionals_in(departement_codes) -> QuerySet:
    return Professional.objects.filter(
        activites__commune__departement_id__in=list(departement_codes)
    ).distinct()


def search_professionals(user, query: str, limit: int = 20) -> list[dict]:
    """Professionals of the user's départements matching a name, an RPPS or a commune."""
    query = (query or "").strip()
    if len(query) < 2:
        return []
    codes = visible_departements(user)
    activities = Activity.objects.filter(commune__isnull=False)
    if codes is not None:
        activities = activities.filter(commune__departement_id__in=codes)
    words = query.split()
    condition = Q()
    for word in words:
        condition &= (
            Q(professional__nom__icontains=word)
            | Q(professional__prenom__icontains=word)
            | Q(professional__identifiant_national__startswith=word)
            | Q(commune__nom__icontains=word)
            | Q(commune__code=word)
        )
    rows = (
        activities.filter(condition)
        .values(
            "professional__identifiant_national",
            "professional__nom",
            "professional__prenom",
            "professional__libelle_profession",
            "professional__categorie",
            "commune__nom",
            "commune__departement_id",
        )
        .order_by("professional__nom", "professional__prenom")[: limit * 3]
    )
    seen, results = set(), []
    for row in rows:
        rpps = row["professional__identifiant_national"]
        if rpps in seen:
            continue
        seen.add(rpps)
        results.append(
            {
                "rpps": rpps,
                "nom": row["professional__nom"],
                "prenom": row["professional__prenom"],
                "profession": row["professional__libelle_profession"]
                or row["professional__categorie"],
                "commune": row["commune__nom"],
                "departement": row["commune__departement_id"],
            }
        )
        if len(results) >= limit:
            break
    return results


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


# --- Installation pathway -----------------------------------------------------------------


def create_installation(
    professional: Professional,
    departement_code: str,
    date_installation: dt.date,
    source: str = Installation.Source.SAISIE,
    import_detection: SupplyImport | None = None,
) -> tuple[Installation, bool]:
    installation, created = Installation.objects.get_or_create(
        professional=professional,
        date_installation=date_installation,
        defaults={
            "departement_id": departement_code,
            "source": source,
            "import_detection": import_detection,
        },
    )
    if created:
        months = milestone_months()
        Milestone.objects.bulk_create(
            [
                Milestone(
                    installation=installation,
                    kind=kind,
                    echeance=contract_rules.add_months(date_installation, months[kind]),
                )
                for kind in Milestone.Kind.values
            ]
        )
    return installation, created


def detect_installations(departement_code: str | None = None) -> int:
    """Installations revealed by the latest RPPS import (professionals first seen in it, when
    an earlier RPPS import exists: the very first import reveals nobody). The installation
    date is the date of the import that revealed it (the agent may correct it)."""
    created = 0
    newcomers = (
        new_professionals().exclude(installations__isnull=False).select_related("premier_import")
    )
    for professional in newcomers:
        code = departement_of(professional)
        if code is None or (departement_code and code != departement_code):
            continue
        _, was_created = create_installation(
            professional,
            code,
            professional.premier_import.data_day,
            Installation.Source.DETECTEE,
            professional.premier_import,
        )
        created += was_created
    return created


def overdue_milestones(user, today: dt.date | None = None) -> QuerySet:
    today = today or dt.date.today()
    return scoped(
        Milestone.objects.filter(realise_le__isnull=True, echeance__lt=today),
        user,
        "installation__departement_id",
    ).select_related("installation__professional")


# --- Contracts ----------------------------------------------------------------------------


@transaction.atomic
def create_contract(
    professional: Professional,
    departement_code: str,
    kind: str,
    signature: dt.date,
    options: dict | None = None,
    zone: str = "",
    user=None,
) -> Contract:
    terms = contract_rules.build_terms(kind, signature, options)
    contract = Contract(
        professional=professional,
        departement_id=departement_code,
        kind=kind,
        date_signature=signature,
        date_fin=terms.date_fin,
        zone=zone or (options or {}).get("zone", ""),
        options=options or {},
        montant_total=terms.montant_total,
        engagements=terms.engagements,
        regles=json.loads(json.dumps(terms.regles, cls=DjangoJSONEncoder)),
    )
    if user is not None:  # the author of the history record when not called from a page
        contract._history_user = user
    contract.save()
    ScheduledPayment.objects.bulk_create(
        [
            ScheduledPayment(contrat=contract, libelle=label, date_prevue=day, montant=amount)
            for label, day, amount in terms.echeances
        ]
    )
    return contract


# --- GDPR export (retention and erasure: outreach.privacy) -----------------------------


def professional_records(professional: Professional, user=None) -> dict:
    """Everything outreach holds on a professional (the GDPR export); with ``user``, only
    the records of the départements ``user`` may see (an agent exports their own)."""

    def rows(queryset, fields):
        if user is not None:
            queryset = mine(queryset)
        return [dict(zip(fields, values, strict=True)) for values in queryset.values_list(*fields)]

    def mine(queryset):
        field = {
            FollowUp: "contact__departement_id",
            CampaignTarget: "campagne__departement_id",
            Milestone: "installation__departement_id",
            Payment: "contrat__departement_id",
        }.get(queryset.model, "departement_id")
        return scoped(queryset, user, field)

    return json.loads(
        json.dumps(
            {
                "professionnel": {
                    "rpps": professional.identifiant_national,
                    "nom": professional.nom,
                    "prenom": professional.prenom,
                    "profession": professional.libelle_profession or professional.categorie,
                },
                "contacts": rows(
                    Contact.objects.filter(professional=professional).order_by("date"),
                    [
                        "id",
                        "date",
                        "canal",
                        "campagne__theme",
                        "sujet",
                        "equipe",
                        "resultat",
                        "commentaire",
                        "webinaire__titre",
                    ],
                ),
                "suites": rows(
                    FollowUp.objects.filter(contact__professional=professional),
                    ["contact_id", "libelle", "echeance", "fait", "fait_le"],
                ),
                "campagnes_ciblees": [
                    row["campagne__theme"]
                    for row in rows(
                        CampaignTarget.objects.filter(professional=professional),
                        ["campagne__theme"],
                    )
                ],
                "installations": rows(
                    Installation.objects.filter(professional=professional),
                    [
                        "id",
                        "date_installation",
                        "source",
                        "controle_date",
                        "controle_resultat",
                        "controle_commentaire",
                    ],
                ),
                "jalons": rows(
                    Milestone.objects.filter(installation__professional=professional),
                    ["installation_id", "kind", "echeance", "realise_le"],
                ),
                "contrats": rows(
                    Contract.objects.filter(professional=professional),
                    ["id", "kind", "date_signature", "date_fin", "montant_total", "statut"],
                ),
                "versements": rows(
                    Payment.objects.filter(contrat__professional=professional),
                    ["contrat_id", "date", "montant"],
                ),
            },
            cls=DjangoJSONEncoder,
        )
    )
