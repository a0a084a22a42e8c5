"""The JSON API (django-ninja): OpenAPI schema at /api/openapi.json, documentation at /api/docs.

Public referential data needs no account; endpoints with personal or contractual data declare
``auth=`` with a role (see accounts/permissions.py) and are denied otherwise. Errors are JSON
``{"detail": "…"}`` in French, documented on every operation (see api_errors.py); parameters
are bounded by request_params.py.
"""

from ninja import NinjaAPI

from maillage import __version__
from maillage.web import api_errors
from maillage.web.access.api import router as access_router
from maillage.web.coordination.api import router as coordination_router
from maillage.web.diagnostics.api import router as diagnostics_router
from maillage.web.outreach.api import router as outreach_router
from maillage.web.parameters import router as parameters_router
from maillage.web.reporting.api import router as reporting_router
from maillage.web.supply.api import router as supply_router
from maillage.web.territories.api import router as territories_router


class MaillageAPI(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs):
        return api_errors.document_errors(super().get_openapi_schema(*args, **kwargs))


api = MaillageAPI(
    title="API maillage",
    version=__version__,
    description="Référentiel des territoires et de l'offre de soins, diagnostics, "
    "accessibilité, exercice coordonné. Données publiques sans authentification ; "
    "données nominatives réservées aux agents habilités. Erreurs : JSON "
    '{"detail": "…"} en français ; bornes des paramètres décrites sur chacun.',
    urls_namespace="api",
)
api_errors.install(api)
api.add_router("/", territories_router)
api.add_router("/offre", supply_router)
api.add_router("/diagnostics", diagnostics_router)
api.add_router("/accessibilite", access_router)
api.add_router("/exercice-coordonne", coordination_router)
api.add_router("/accompagnement", outreach_router)
api.add_router("/chiffres-cles", reporting_router)
api.add_router("/", parameters_router)
