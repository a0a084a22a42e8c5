from django.urls import path

from . import views

app_name = "reporting"
urlpatterns = [
    path("", views.index, name="index"),
    path("<departement:code>/<annee:year>/rapport.<str:fmt>", views.export, name="export"),
    path("<departement:code>/<annee:year>/detail/<str:kind>/", views.detail, name="detail"),
]
