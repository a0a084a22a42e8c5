from django.urls import path

from . import views

app_name = "supply"
urlpatterns = [
    path("", views.index, name="index"),
    path("communes/<commune:code>/", views.commune, name="commune"),
    path("cpts/nouvelle/", views.cpts_edit, name="cpts_new"),
    path("cpts/<pk:pk>/", views.cpts_edit, name="cpts_edit"),
]
