from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _load_registry(sender, **kwargs) -> None:
    """Keep IndicatorDefinition in line with indicateurs.yaml after every migrate."""
    from .importers import sync_registry

    sync_registry()


class SupplyConfig(AppConfig):
    name = "maillage.web.supply"
    label = "supply"
    verbose_name = "Offre de soins"

    def ready(self) -> None:
        post_migrate.connect(_load_registry, sender=self, dispatch_uid="supply-registry")
