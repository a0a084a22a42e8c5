from django.urls import path

from . import views

app_name = "diagnostics"
urlpatterns = [
    path("", views.index, name="index"),
    path("territoire/", views.territory, name="territory"),
    path("export.<str:fmt>", views.export, name="export"),
    path("carte/<departement:departement>.geojson", views.map_data, name="map_data"),
    path("mes-territoires/", views.saved_list, name="saved"),
    path("mes-territoires/enregistrer/", views.save, name="save"),
    path("mes-territoires/<pk:pk>/supprimer/", views.delete, name="delete"),
]
