"""The JSON API (django-ninja): OpenAPI schema at /api/openapi.json, documentation at /api/docs."""

from ninja import NinjaAPI

from maillage import __version__
from maillage.web.territories.api import router as territories_router

api = NinjaAPI(
    title="API maillage",
    version=__version__,
    description="Référentiel des territoires et de l'offre de soins, diagnostics, "
    "accessibilité, exercice coordonné. Données publiques sans authentification ; "
    "données nominatives réservées aux agents habilités.",
    urls_namespace="api",
)
api.add_router("/", territories_router)
