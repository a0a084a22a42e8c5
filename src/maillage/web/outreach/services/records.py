"""Everything outreach holds on a professional: the GDPR export (retention and erasure live in
:mod:`..privacy`).
"""

from __future__ import annotations

import json

from django.core.serializers.json import DjangoJSONEncoder

from maillage.web.accounts.scope import scoped
from maillage.web.supply.models import Professional

from ..models import (
    CampaignTarget,
    Contact,
    Contract,
    FollowUp,
    Installation,
    Milestone,
    Payment,
)

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
