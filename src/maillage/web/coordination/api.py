"""JSON API of the coordinated-care steering (session auth; scope checked per object)."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from ninja import Router

from maillage.engine.rules.contract import ContractError
from maillage.web import request_params as bounds
from maillage.web.accounts.permissions import RoleAuth, staff_auth
from maillage.web.accounts.roles import Role
from maillage.web.accounts.scope import can_see_departement

from . import services
from .models import Contract

router = Router(tags=["Exercice coordonné"])
viewer_auth = RoleAuth(Role.COORDINATEUR, Role.AGENT_CPAM, Role.ADMINISTRATEUR)


@router.get("/departements/{code}/chiffres", auth=staff_auth)
def departement_figures(
    request, code: bounds.DEPARTEMENT.annotation, annee: bounds.YEAR.annotation
):
    """Chiffres clés annuels de l'exercice coordonné d'un département."""
    if not can_see_departement(request.auth, code):
        raise PermissionDenied
    figures = services.coordinated_care_figures(code, annee)
    figures["montants_dus"] = float(figures["montants_dus"])
    figures["montants_verses"] = float(figures["montants_verses"])
    return figures


@router.get(
    "/contrats/{pk}/echeancier",
    auth=viewer_auth,
    openapi_extra={
        "responses": {"409": {"description": "Contrat incomplet : échéancier impossible."}}
    },
)
def contract_schedule(
    request, pk: bounds.PK.annotation, annee: bounds.YEAR.annotation | None = None
):
    """Échéancier du contrat calculé par le moteur (même sortie que `maillage aci calcul`)."""
    contract = get_object_or_404(Contract, pk=pk)
    if not services.can_view(request.auth, contract.dossier):
        raise PermissionDenied
    try:
        return services.contract_report(contract, annee)
    except ContractError as exc:
        return router.api.create_response(request, {"detail": str(exc)}, status=409)
