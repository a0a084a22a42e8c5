from django.apps import AppConfig


class CoordinationConfig(AppConfig):
    name = "maillage.web.coordination"
    label = "coordination"
    verbose_name = "Exercice coordonné (CPTS, MSP, ACI)"
