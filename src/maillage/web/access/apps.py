from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "maillage.web.access"
    label = "access"
    verbose_name = "Accessibilité, zonage et aides"
