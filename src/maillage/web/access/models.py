"""Accessibility results (APL per commune), official ARS zoning and simulated zoning.

The official zoning (imported from an arrêté) and the simulated one (computed from APL with
the dated rules) live in two separate tables so that they can never be mixed: every page, API
answer and export says which one it shows.
"""

from __future__ import annotations

from django.db import models

from maillage.engine.vocabulary import GP, NURSE, PHYSIOTHERAPIST, PROFESSION_LABELS
from maillage.web.territories.models import Commune


class Profession(models.TextChoices):
    MEDECIN = GP, PROFESSION_LABELS[GP]
    KINE = PHYSIOTHERAPIST, PROFESSION_LABELS[PHYSIOTHERAPIST]
    INFIRMIER = NURSE, PROFESSION_LABELS[NURSE]


class AplRun(models.Model):
    """One APL computation from the database: its perimeter and every method choice."""

    profession = models.CharField(max_length=40, choices=Profession.choices)
    annee = models.PositiveSmallIntegerField()
    perimetre = models.CharField(
        max_length=40, help_text="« departement:NN », « region:RR » ou « france »"
    )
    calcule_le = models.DateTimeField(auto_now=True)
    parametres = models.JSONField(default=dict, help_text="méthode, paramètres, temps de trajet")
    offre_totale = models.FloatField(default=0.0)
    demande_totale = models.FloatField(default=0.0)

    class Meta:
        ordering = ["-annee", "profession", "perimetre"]
        verbose_name = "calcul d'APL"
        verbose_name_plural = "calculs d'APL"
        constraints = [
            models.UniqueConstraint(
                fields=["profession", "annee", "perimetre"], name="apl_run_unique"
            )
        ]

    def __str__(self) -> str:
        return f"APL {self.get_profession_display()} {self.annee} ({self.perimetre})"


class AplCommune(models.Model):
    """APL of one commune with its supply and demand (primary key ``profession:annee:code``)."""

    key = models.CharField(primary_key=True, max_length=60)
    run = models.ForeignKey(AplRun, on_delete=models.CASCADE, related_name="communes")
    profession = models.CharField(max_length=40, choices=Profession.choices)
    annee = models.PositiveSmallIntegerField()
    commune = models.ForeignKey(Commune, on_delete=models.CASCADE, related_name="+")
    apl = models.FloatField()
    offre = models.FloatField(help_text="offre de la commune (actes/an, ou ETP selon l'unité)")
    demande = models.FloatField(help_text="population standardisée P*")
    population = models.FloatField()
    praticiens = models.PositiveIntegerField(default=0)
    etp = models.FloatField(default=0.0)
    secret = models.BooleanField(
        "secret statistique",
        default=False,
        help_text="entre 1 et seuil − 1 praticiens : praticiens, ETP et offre sont ceux de la "
        "valeur de substitution (jamais publiés tels quels)",
    )

    class Meta:
        verbose_name = "APL d'une commune"
        indexes = [models.Index(fields=["profession", "annee"])]

    def __str__(self) -> str:
        return self.key


class OfficialZone(models.Model):
    """Zone of a commune in an official ARS arrêté (primary key ``profession:date:code``)."""

    class Level(models.TextChoices):
        COMMUNE = "commune", "commune"
        TVS = "tvs", "territoire de vie-santé"

    key = models.CharField(primary_key=True, max_length=60)
    profession = models.CharField(max_length=40, choices=Profession.choices)
    commune = models.ForeignKey(Commune, on_delete=models.CASCADE, related_name="+")
    zone = models.CharField(max_length=30)
    niveau = models.CharField(max_length=10, choices=Level.choices, default=Level.COMMUNE)
    territoire = models.CharField(
        "code du territoire", max_length=20, help_text="code de la commune ou du TVS"
    )
    arrete_date = models.DateField("date de l'arrêté")
    arrete_reference = models.CharField("référence de l'arrêté", max_length=300, blank=True)
    fichier = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name = "zonage officiel d'une commune"
        verbose_name_plural = "zonage officiel"
        indexes = [models.Index(fields=["profession", "arrete_date"])]

    def __str__(self) -> str:
        return f"{self.commune_id} {self.zone} (arrêté du {self.arrete_date:%d/%m/%Y})"


class SimulatedZone(models.Model):
    """Zone of a commune simulated from APL (primary key ``profession:annee:code``).

    Always shown as « simulation »: it is not the ARS zoning.
    """

    key = models.CharField(primary_key=True, max_length=60)
    profession = models.CharField(max_length=40, choices=Profession.choices)
    annee = models.PositiveSmallIntegerField(help_text="année de l'APL utilisée")
    commune = models.ForeignKey(Commune, on_delete=models.CASCADE, related_name="+")
    zone = models.CharField(max_length=30)
    territoire = models.CharField(max_length=20, help_text="commune ou TVS qui décide la zone")
    apl_territoire = models.FloatField()
    date_regles = models.DateField("date des règles")
    parametres = models.JSONField(default=list, help_text="paramètres utilisés et leur statut")

    class Meta:
        verbose_name = "zonage simulé d'une commune"
        verbose_name_plural = "zonage simulé"
        indexes = [models.Index(fields=["profession", "annee"])]

    def __str__(self) -> str:
        return f"{self.commune_id} {self.zone} (simulation {self.annee})"
