from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from maillage.web.accounts.admin import AccessLoggedAdmin

from .models import (
    Activity,
    DepartementIndicatorValue,
    Establishment,
    IndicatorDefinition,
    IndicatorValue,
    Professional,
    Structure,
    StructureCommune,
    SupplyImport,
)


@admin.register(SupplyImport)
class SupplyImportAdmin(admin.ModelAdmin):
    list_display = ("kind", "fichier", "date_import", "date_donnees")
    list_filter = ("kind",)
    search_fields = ("fichier",)


class ActivityInline(admin.TabularInline):
    model = Activity
    extra = 0
    raw_id_fields = ("commune",)


@admin.register(Professional)
class ProfessionalAdmin(AccessLoggedAdmin, SimpleHistoryAdmin):
    access_subject = "admin-professionnels"

    list_display = (
        "identifiant_national",
        "nom",
        "prenom",
        "categorie",
        "annee_naissance",
        "actif",
    )
    list_filter = ("categorie", "actif", "type_identifiant")
    search_fields = ("identifiant_national", "nom", "prenom")
    raw_id_fields = ("premier_import", "dernier_import")
    inlines = [ActivityInline]


@admin.register(Activity)
class ActivityAdmin(AccessLoggedAdmin):
    access_subject = "admin-activites"
    rpps_path = "professional__identifiant_national"

    list_display = ("professional", "commune", "code_commune", "mode_exercice", "origine_commune")
    list_filter = ("mode_exercice", "origine_commune")
    search_fields = ("professional__nom", "professional__identifiant_national", "code_commune")
    raw_id_fields = ("professional", "commune")


@admin.register(Establishment)
class EstablishmentAdmin(SimpleHistoryAdmin):
    list_display = ("finess", "nom", "classe", "categorie", "commune", "geocodage_commune")
    list_filter = ("classe", "geocodage_commune")
    search_fields = ("finess", "nom", "code_insee")
    raw_id_fields = ("commune",)


class StructureCommuneInline(admin.TabularInline):
    model = StructureCommune
    extra = 0
    raw_id_fields = ("commune",)


@admin.register(Structure)
class StructureAdmin(SimpleHistoryAdmin):
    list_display = ("kind", "identifiant", "nom", "commune", "source")
    list_filter = ("kind", "source")
    search_fields = ("identifiant", "nom")
    raw_id_fields = ("commune", "etablissement")
    inlines = [StructureCommuneInline]


@admin.register(IndicatorDefinition)
class IndicatorDefinitionAdmin(SimpleHistoryAdmin):
    list_display = ("code", "libelle", "unite", "agregation", "secret", "numerateur_public")
    list_filter = ("agregation", "secret", "source")
    search_fields = ("code", "libelle")


@admin.register(IndicatorValue)
class IndicatorValueAdmin(admin.ModelAdmin):
    list_display = ("indicator", "commune", "annee", "numerateur", "denominateur")
    list_filter = ("indicator", "annee")
    search_fields = ("commune__code", "commune__nom")
    raw_id_fields = ("commune",)


@admin.register(DepartementIndicatorValue)
class DepartementIndicatorValueAdmin(admin.ModelAdmin):
    list_display = ("indicateur", "departement", "annee", "profession", "valeur")
    list_filter = ("source", "indicateur", "annee")
    search_fields = ("profession", "departement__code")
