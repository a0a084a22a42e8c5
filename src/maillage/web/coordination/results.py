"""Entry and validation of indicator results (shared by the pages and the JSON API).

A coordinator's entry waits for the caisse's validation; a staff entry is validated at once.
Each write is one transaction: the result and its explicit audit event (the model history
records the change itself) are saved together or not at all.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from maillage.web.accounts.audit import record_change
from maillage.web.accounts.models import AuditEntry

from . import services
from .models import Indicator, Result

ALREADY_VALIDATED = "Ce résultat est déjà validé par la caisse : seule la caisse peut le modifier."


class ResultRefused(Exception):
    """An entry the user may not make (French message for the form)."""


def enter_result(user, indicator: Indicator, contract_year: int, value: Decimal) -> Result:
    """Record ``value`` for ``indicator`` in ``contract_year`` (creates or replaces)."""
    staff = services.is_staff(user)
    with transaction.atomic():
        result = (
            Result.objects.select_for_update()
            .filter(indicateur=indicator, annee_contrat=contract_year)
            .first()
        )
        if result is not None and result.statut == Result.Status.VALIDE and not staff:
            raise ResultRefused(ALREADY_VALIDATED)
        result = result or Result(indicateur=indicator, annee_contrat=contract_year)
        result.valeur = value
        result.saisi_par = user
        if staff:
            _mark_validated(result, user)
        else:
            result.statut, result.valide_par, result.valide_le = Result.Status.SAISI, None, None
        result.save()
        if staff:
            record_change(user, result, AuditEntry.Action.VALIDATION)
    return result


def validate_result(user, result: Result) -> Result:
    """The caisse validates a coordinator's entry (staff only: checked by the caller)."""
    with transaction.atomic():
        _mark_validated(result, user)
        result.save()
        record_change(user, result, AuditEntry.Action.VALIDATION)
    return result


def _mark_validated(result: Result, user) -> None:
    result.statut, result.valide_par, result.valide_le = (
        Result.Status.VALIDE,
        user,
        timezone.now(),
    )
