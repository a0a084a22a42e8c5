from django.contrib import admin

from .models import Commune, Departement, Epci, PopulationLegale, Region, Zonage, Zone, ZoneCommune


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


@admin.register(PopulationLegale)
class PopulationLegaleAdmin(admin.ModelAdmin):
    list_display = ("commune", "annee", "population")
    list_filter = ("annee",)
    search_fields = ("commune__code", "commune__nom")
    raw_id_fields = ("commune",)


class ZoneInline(admin.TabularInline):
    model = Zone
    extra = 0
    fields = ("code", "nom")
    show_change_link = True


@admin.register(Zonage)
class ZonageAdmin(admin.ModelAdmin):
    list_display = ("libelle", "code", "type", "millesime", "fictif")
    list_filter = ("type", "millesime", "fictif")
    search_fields = ("code", "libelle")
    inlines = [ZoneInline]


class ZoneCommuneInline(admin.TabularInline):
    model = ZoneCommune
    extra = 0
    raw_id_fields = ("commune",)
    fields = ("commune",)


@admin.register(Zone)
class ZoneAdmin(admin.ModelAdmin):
    list_display = ("nom", "code", "zonage")
    list_filter = ("zonage",)
    search_fields = ("code", "nom")
    inlines = [ZoneCommuneInline]

    def save_formset(self, request, form, formset, change):
        # The membership repeats the zoning so that the database keeps one zone per commune.
        for obj in formset.save(commit=False):
            obj.zonage_id = form.instance.zonage_id
            obj.save()
        for obj in formset.deleted_objects:
            obj.delete()
