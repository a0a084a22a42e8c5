from django.contrib import admin
from django.urls import include, path

from maillage.web.request_params import register_path_converters

# Before the apps' URL modules are imported: they use <pk:…>, <annee:…>, <commune:…>…
register_path_converters()

from maillage.web.accounts.admin import journal_view  # noqa: E402
from maillage.web.api import api  # noqa: E402
from maillage.web.parameters import parameters_page  # noqa: E402
from maillage.web.territories import views as territory_views  # noqa: E402

admin.site.site_header = "maillage — administration"
admin.site.site_title = "maillage"

# Each module has its own URL namespace; the navigation shows a module once its `index` exists.
MODULES = ("supply", "diagnostics", "access", "coordination", "outreach", "reporting")

urlpatterns = [
    path("", territory_views.home, name="home"),
    path("", include("maillage.web.territories.urls")),
    path("offre/", include("maillage.web.supply.urls")),
    path("diagnostic/", include("maillage.web.diagnostics.urls")),
    path("accessibilite/", include("maillage.web.access.urls")),
    path("exercice-coordonne/", include("maillage.web.coordination.urls")),
    path("accompagnement/", include("maillage.web.outreach.urls")),
    path("chiffres-cles/", include("maillage.web.reporting.urls")),
    path("parametres/", parameters_page, name="parameters"),
    path("comptes/", include("maillage.web.accounts.urls")),
    path("api/", api.urls),
    path("admin/journal/", journal_view, name="admin_journal"),
    path("admin/", admin.site.urls),
]

# French error pages in the site layout; JSON {"detail": …} under /api/ (maillage.web.errors).
handler400 = "maillage.web.errors.bad_request"
handler403 = "maillage.web.errors.permission_denied"
handler404 = "maillage.web.errors.page_not_found"
handler500 = "maillage.web.errors.server_error"
