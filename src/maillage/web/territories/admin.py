from django.contrib import admin

from .models import Commune, Departement, Epci, Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "nom")
    search_fields = ("code", "nom")


@admin.register(Departement)
class DepartementAdmin(admin.ModelAdmin):
    list_display = ("code", "nom", "region")
    list_filter = ("region",)
    search_fields = ("code", "nom")


@admin.register(Epci)
class EpciAdmin(admin.ModelAdmin):
    list_display = ("siren", "nom", "nature")
    search_fields = ("siren", "nom")


@admin.register(Commune)
class CommuneAdmin(admin.ModelAdmin):
    list_display = ("code", "nom", "nature", "statut", "departement", "population")
    list_filter = ("nature", "statut", "departement__region")
    search_fields = ("code", "nom")
    raw_id_fields = ("commune_parente", "fusionnee_dans", "epci")
    exclude = ("contour",)
