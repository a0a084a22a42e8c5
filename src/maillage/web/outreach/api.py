from ninja import Router

from maillage.web import request_params as bounds
from maillage.web.accounts.audit import log_access
from maillage.web.accounts.permissions import staff_auth
from maillage.web.accounts.personal_data import personal_data

from . import services

router = Router(tags=["Accompagnement"])


@router.get(
    "/professionnels",
    auth=staff_auth,
    summary="Recherche de professionnels (nom, RPPS ou commune) dans le périmètre de l'agent",
)
@personal_data
def search_professionals(request, q: bounds.SEARCH.annotation = ""):
    results = services.search_professionals(request.auth, q)
    if results:
        log_access(
            request,
            "recherche-professionnels",
            purpose="recherche de professionnels (API)",
            rpps=[r["rpps"] for r in results],
        )
    return {"results": results}
