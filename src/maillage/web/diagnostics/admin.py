from django.contrib import admin

from .models import SavedTerritory


@admin.register(SavedTerritory)
class SavedTerritoryAdmin(admin.ModelAdmin):
    list_display = ("nom", "owner", "modifie_le")
    search_fields = ("nom", "owner__username")
    raw_id_fields = ("owner",)
