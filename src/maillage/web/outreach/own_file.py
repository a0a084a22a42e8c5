"""« Mon dossier »: what a health professional (role ``professionnel``) may see of their own
file — installation pathway and milestones, contracts with their schedule and payments, and
the installation aids of the communes where they practise.

The account is linked to the professional by its RPPS number (``User.rpps``, entered by an
administrator after checking the identity); nothing else is reachable from this page, and
the read is logged like every other read of nominative data.
"""

from __future__ import annotations

import datetime as dt

from django.shortcuts import render

from maillage.engine import vocabulary
from maillage.engine.rules.aids import Project
from maillage.web.access import services as access_services
from maillage.web.accounts.audit import log_access
from maillage.web.accounts.permissions import role_required
from maillage.web.accounts.personal_data import personal_data
from maillage.web.accounts.roles import Role
from maillage.web.supply.models import Professional

from .models import Contract


def _aids(professional: Professional, on: dt.date) -> list[dict]:
    """The aids of each commune of practice, from the engine's aid simulator (the same call as
    the public simulator page), or why none can be computed there."""
    if professional.categorie not in vocabulary.PROFESSION_LABELS:
        return []
    communes = {a.commune for a in professional.activites.all() if a.commune is not None}
    rows = []
    for commune in sorted(communes, key=lambda c: c.nom):
        try:
            resolved, result = access_services.aids_for_commune(
                commune.code, professional.categorie, on, Project()
            )
        except ValueError:
            # No zoning of the commune for the profession (neither imported nor simulated).
            rows.append(
                {
                    "commune": commune,
                    "erreur": "le zonage de cette commune pour votre profession n'est pas "
                    "encore disponible",
                }
            )
            continue
        rows.append(
            {
                "commune": commune,
                "zone": access_services.zone_label(result.zone),
                "origine": resolved.detail,
                "aides": result.aids,
            }
        )
    return rows


@personal_data
@role_required(Role.PROFESSIONNEL)
def own_file(request):
    rpps = (request.user.rpps or "").strip()
    professional = (
        Professional.objects.filter(identifiant_national=rpps)
        .prefetch_related("activites__commune")
        .first()
        if rpps
        else None
    )
    if professional is None:
        return render(request, "outreach/own_file.html", {"professional": None})
    log_access(
        request, "dossier-personnel", rpps, "consultation de son propre dossier", rpps=[rpps]
    )
    today = dt.date.today()
    contracts = list(
        Contract.objects.filter(professional=professional).prefetch_related(
            "echeances", "versements"
        )
    )
    rows = []
    for contract in contracts:
        paid = sum((p.montant for p in contract.versements.all()), start=0)
        rows.append({"contrat": contract, "verse": paid, "reste": contract.montant_total - paid})
    return render(
        request,
        "outreach/own_file.html",
        {
            "professional": professional,
            "profession": vocabulary.profession_label(professional.categorie),
            "installations": professional.installations.prefetch_related("jalons"),
            "contracts": rows,
            "aids": _aids(professional, today),
            "today": today,
        },
    )
