"""Installation pathway (detected or entered, with milestones) and aid contracts."""

from __future__ import annotations

import datetime as dt
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import QuerySet

from maillage.web.accounts.scope import scoped
from maillage.web.supply.models import Professional, SupplyImport
from maillage.web.supply.services import new_professionals

from .. import contracts as contract_rules
from ..models import (
    Contract,
    Installation,
    Milestone,
    ScheduledPayment,
)
from .professionals import departement_of, milestone_months

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
