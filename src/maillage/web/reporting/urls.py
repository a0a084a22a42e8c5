from django.urls import path

from . import views

app_name = "reporting"
urlpatterns = [
    path("", views.index, name="index"),
    path("<str:code>/<int:year>/rapport.<str:fmt>", views.export, name="export"),
    path("<str:code>/<int:year>/detail/<str:kind>/", views.detail, name="detail"),
]
