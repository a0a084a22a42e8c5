from django.contrib import admin
from django.urls import include, path

from maillage.web.api import api
from maillage.web.territories import views as territory_views

admin.site.site_header = "maillage — administration"
admin.site.site_title = "maillage"

urlpatterns = [
    path("", territory_views.home, name="home"),
    path("", include("maillage.web.territories.urls")),
    path("comptes/", include("maillage.web.accounts.urls")),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
]
