from django.apps import AppConfig


class SupplyConfig(AppConfig):
    name = "maillage.web.supply"
    label = "supply"
    verbose_name = "Offre de soins"
