from django.urls import path

from . import views

app_name = "access"
urlpatterns = [
    path("", views.index, name="index"),
    path("communes/<commune:code>/", views.commune, name="commune"),
    path("aides/", views.aids, name="aides"),
    path("scenarios/", views.scenario, name="scenario"),
]
