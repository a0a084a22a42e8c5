from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "maillage.web.reporting"
    label = "reporting"
    verbose_name = "Chiffres clés"
