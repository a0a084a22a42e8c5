from ninja import Router

from maillage.web import request_params as bounds
from maillage.web.accounts.permissions import staff_auth

from . import services

router = Router(tags=["Accompagnement"])


@router.get(
    "/professionnels",
    auth=staff_auth,
    summary="Recherche de professionnels (nom, RPPS ou commune) dans le périmètre de l'agent",
)
def search_professionals(request, q: bounds.SEARCH.annotation = ""):
    return {"results": services.search_professionals(request.auth, q)}
