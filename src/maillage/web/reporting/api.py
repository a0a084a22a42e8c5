from django.shortcuts import get_object_or_404
from ninja import Router
from ninja.errors import HttpError

from maillage.web import request_params as bounds
from maillage.web.accounts.permissions import staff_auth
from maillage.web.accounts.scope import OUT_OF_SCOPE, can_see_departement
from maillage.web.territories.models import Departement

from . import services

router = Router(tags=["Chiffres clés"])


@router.get(
    "/{code}/{year}", auth=staff_auth, summary="Chiffres clés d'un département et d'une année"
)
def key_figures(request, code: bounds.DEPARTEMENT.annotation, year: bounds.YEAR.annotation):
    get_object_or_404(Departement, code=code)
    if not can_see_departement(request.auth, code):
        raise HttpError(403, OUT_OF_SCOPE)
    return services.key_figures(code, year)
