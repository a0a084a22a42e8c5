"""What every coordination page shares: who may open it and how an object is fetched in scope."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from maillage.web.accounts.roles import Role
from maillage.web.accounts.scope import can_see_departement
from maillage.web.supply.models import Structure

from .. import services
from ..models import Contract, Dossier

VIEWERS = (Role.COORDINATEUR, Role.AGENT_CPAM, Role.ADMINISTRATEUR)
STAFF = (Role.AGENT_CPAM, Role.ADMINISTRATEUR)


def dossier_for(request, structure_pk: int) -> Dossier:
    structure = get_object_or_404(Structure.objects.select_related("commune"), pk=structure_pk)
    dossier = Dossier.objects.filter(structure=structure).select_related("structure").first()
    if dossier is None:
        # Staff open a follow-up file on first visit; others never see a structure without one.
        dep = structure.commune.departement_id if structure.commune else None
        if not (services.is_staff(request.user) and dep and can_see_departement(request.user, dep)):
            raise PermissionDenied
        dossier = services.ensure_dossier(structure)
    if not services.can_view(request.user, dossier):
        raise PermissionDenied
    return dossier


def contract_for(request, pk: int, staff: bool = False) -> Contract:
    contract = get_object_or_404(Contract.objects.select_related("dossier__structure"), pk=pk)
    if not services.can_view(request.user, contract.dossier):
        raise PermissionDenied
    if staff and not services.is_staff(request.user):
        raise PermissionDenied
    return contract


def save_form(form, **extra):
    """Save a valid model form's instance with ``extra`` attributes; the model history
    records the change and its author (user from the request)."""
    obj = form.save(commit=False)
    for key, value in extra.items():
        setattr(obj, key, value)
    obj.save()
    form.save_m2m()
    return obj
