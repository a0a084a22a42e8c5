from django.shortcuts import get_object_or_404
from ninja import Router
from ninja.errors import HttpError

from maillage.web import request_params as bounds
from maillage.web.accounts.permissions import staff_auth, visible_departements
from maillage.web.territories.models import Departement

from . import services

router = Router(tags=["Chiffres clés"])


@router.get(
    "/{code}/{year}", auth=staff_auth, summary="Chiffres clés d'un département et d'une année"
)
def key_figures(request, code: bounds.DEPARTEMENT.annotation, year: bounds.YEAR.annotation):
    get_object_or_404(Departement, code=code)
    codes = visible_departements(request.auth)
    if codes is not None and code not in codes:
        raise HttpError(403, "Ce département n'est pas dans votre périmètre.")
    return services.key_figures(code, year)
