from django.apps import AppConfig


class OutreachConfig(AppConfig):
    name = "maillage.web.outreach"
    label = "outreach"
    verbose_name = "Accompagnement des professionnels"
