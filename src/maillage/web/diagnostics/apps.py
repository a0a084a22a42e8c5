from django.apps import AppConfig


class DiagnosticsConfig(AppConfig):
    name = "maillage.web.diagnostics"
    label = "diagnostics"
    verbose_name = "Diagnostics territoriaux"
