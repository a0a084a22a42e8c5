from django.apps import AppConfig


class TerritoriesConfig(AppConfig):
    name = "maillage.web.territories"
    label = "territories"
    verbose_name = "Référentiel des territoires"
