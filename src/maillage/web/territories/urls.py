from django.urls import path

from . import views

app_name = "territories"
urlpatterns = [
    path("communes/<commune:code>/", views.commune_detail, name="commune"),
    path("departements/<departement:code>/", views.departement_detail, name="departement"),
    path("zonages/", views.zonages, name="zonages"),
    path("zonages/<slug:code>/<annee:millesime>/<str:zone>/", views.zone_detail, name="zone"),
]
