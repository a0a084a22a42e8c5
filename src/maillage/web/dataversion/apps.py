from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate, pre_migrate


class DataVersionConfig(AppConfig):
    name = "maillage.web.dataversion"
    label = "dataversion"
    verbose_name = "Version des données"

    def ready(self) -> None:
        from . import tracking

        connection_created.connect(tracking.install, dispatch_uid="dataversion-install")
        pre_migrate.connect(tracking.migration_started, dispatch_uid="dataversion-pre-migrate")
        post_migrate.connect(tracking.migration_ended, dispatch_uid="dataversion-post-migrate")
