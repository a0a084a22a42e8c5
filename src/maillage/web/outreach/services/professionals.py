"""Which professionals an outreach user may see and find: their département, scope, search."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Count, Q, QuerySet

from maillage.engine.vocabulary import GP, NURSE
from maillage.web.accounts.scope import scoped, visible_departements
from maillage.web.supply.models import Activity, Professional

from ..models import (
    Contact,
    Contract,
    Installation,
    Milestone,
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
