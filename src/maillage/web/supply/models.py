"""Health-care supply: professionals (RPPS), establishments (FINESS), coordinated structures
and health indicators per commune (numerator / denominator, so any territory aggregates)."""

from __future__ import annotations

import datetime as dt

from django.db import models
from simple_history.models import HistoricalRecords

from maillage.web.territories.models import Commune, Departement


class SupplyImport(models.Model):
    """One import of a supply file; successive RPPS imports reveal new installations."""

    class Kind(models.TextChoices):
        RPPS = "rpps", "RPPS (Annuaire santé)"
        ACTIVITE = "activite-ps", "activité des professionnels (CPAM)"
        FINESS = "finess", "FINESS"
        CPTS = "cpts", "périmètres de CPTS"
        INDICATEURS = "indicateurs", "indicateurs"
        APL = "apl-drees", "APL DREES"
        AMELI = "ameli", "data.ameli"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    fichier = models.CharField(max_length=500)
    date_import = models.DateTimeField(auto_now_add=True)
    date_donnees = models.DateField("date des données", null=True, blank=True)
    comptes = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-date_import"]
        verbose_name = "import de l'offre"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} du {self.date_import:%d/%m/%Y}"

    @property
    def data_day(self) -> dt.date:
        """The day the data describes: the date of the data when known, else the import's."""
        return self.date_donnees or self.date_import.date()


class Professional(models.Model):
    """A health professional, one per ``Identification nationale PP`` (personal data)."""

    identifiant_national = models.CharField(
        "identification nationale PP", max_length=12, unique=True
    )
    type_identifiant = models.CharField(max_length=1, help_text="8 = RPPS, 0 = ADELI")
    nom = models.CharField("nom d'exercice", max_length=100, blank=True)
    prenom = models.CharField("prénom d'exercice", max_length=100, blank=True)
    code_profession = models.CharField(max_length=4)
    libelle_profession = models.CharField(max_length=100, blank=True)
    categorie = models.CharField(
        max_length=40, db_index=True, help_text="catégorie du produit (table des professions)"
    )
    specialite = models.CharField("code savoir-faire", max_length=10, blank=True)
    annee_naissance = models.PositiveSmallIntegerField(null=True, blank=True)
    actes_annuels = models.FloatField("activité annuelle (actes)", null=True, blank=True)
    etp = models.FloatField("équivalents temps plein", null=True, blank=True)
    activite_annee = models.PositiveSmallIntegerField(null=True, blank=True)
    premier_import = models.ForeignKey(
        SupplyImport, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    dernier_import = models.ForeignKey(
        SupplyImport, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actif = models.BooleanField(default=True, help_text="présent dans le dernier import RPPS")
    empreinte_activites = models.CharField(
        max_length=16,
        blank=True,
        help_text="empreinte des activités du dernier import : seules celles qui changent "
        "sont réécrites",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["nom", "prenom"]
        verbose_name = "professionnel de santé"
        verbose_name_plural = "professionnels de santé"

    def __str__(self) -> str:
        return f"{self.prenom} {self.nom} ({self.identifiant_national})".strip()


class Activity(models.Model):
    """One place and mode of practice of a professional (one RPPS line, deduplicated)."""

    class Mode(models.TextChoices):
        LIBERAL = "L", "libéral"
        SALARIE = "S", "salarié"
        BENEVOLE = "B", "bénévole"

    professional = models.ForeignKey(
        Professional, on_delete=models.CASCADE, related_name="activites"
    )
    commune = models.ForeignKey(
        Commune, null=True, blank=True, on_delete=models.SET_NULL, related_name="activites"
    )
    code_postal = models.CharField(max_length=5, blank=True)
    code_commune = models.CharField(
        "code commune lu",
        max_length=5,
        blank=True,
        help_text="code INSEE du fichier (ou déduit du code postal), même hors référentiel",
    )
    origine_commune = models.CharField(
        max_length=12, blank=True, help_text="commune, code_postal ou vide"
    )
    mode_exercice = models.CharField(max_length=1, choices=Mode.choices, blank=True)
    secteur_activite = models.CharField(max_length=10, blank=True)
    finess_site = models.CharField(max_length=9, blank=True)
    siret = models.CharField(max_length=14, blank=True)
    raison_sociale = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = "activité"
        indexes = [models.Index(fields=["commune", "mode_exercice"])]

    def __str__(self) -> str:
        return f"{self.professional} — {self.commune_id or self.code_postal}"


class Establishment(models.Model):
    finess = models.CharField("n° FINESS", max_length=9, primary_key=True)
    finess_ej = models.CharField("n° FINESS juridique", max_length=9, blank=True)
    nom = models.CharField(max_length=200)
    nom_long = models.CharField(max_length=300, blank=True)
    categorie = models.CharField("catégorie FINESS", max_length=4, db_index=True)
    categorie_libelle = models.CharField(max_length=200, blank=True)
    classe = models.CharField(
        max_length=40, db_index=True, help_text="classe du produit (hôpital, EHPAD, MSP…)"
    )
    commune = models.ForeignKey(
        Commune, null=True, blank=True, on_delete=models.SET_NULL, related_name="etablissements"
    )
    code_insee = models.CharField(max_length=5, blank=True)
    adresse = models.CharField(max_length=300, blank=True)
    lon = models.FloatField(null=True, blank=True)
    lat = models.FloatField(null=True, blank=True)
    geocodage_commune = models.BooleanField(
        default=False, help_text="coordonnées du centre de la commune, pas du bâtiment"
    )
    siret = models.CharField(max_length=14, blank=True)
    date_ouverture = models.DateField(null=True, blank=True)
    date_maj = models.DateField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["nom"]
        verbose_name = "établissement"

    def __str__(self) -> str:
        return f"{self.nom} ({self.finess})"


class Structure(models.Model):
    """A coordinated-care structure: MSP, centre de santé, CPTS or ESP."""

    class Kind(models.TextChoices):
        MSP = "MSP", "maison de santé pluriprofessionnelle"
        CDS = "CDS", "centre de santé"
        CPTS = "CPTS", "communauté professionnelle territoriale de santé"
        ESP = "ESP", "équipe de soins primaires"

    class Source(models.TextChoices):
        FINESS = "finess", "FINESS"
        IMPORT = "import", "fichier importé"
        SAISIE = "saisie", "saisie par un agent"

    kind = models.CharField("type", max_length=4, choices=Kind.choices)
    identifiant = models.CharField(max_length=40, help_text="n° FINESS ou identifiant CPTS")
    nom = models.CharField(max_length=200)
    commune = models.ForeignKey(
        Commune,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="structures_siege",
        verbose_name="commune du siège",
    )
    etablissement = models.ForeignKey(
        Establishment, null=True, blank=True, on_delete=models.SET_NULL, related_name="structures"
    )
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.SAISIE)
    communes = models.ManyToManyField(
        Commune, through="StructureCommune", blank=True, related_name="structures"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "nom"]
        verbose_name = "structure d'exercice coordonné"
        verbose_name_plural = "structures d'exercice coordonné"
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "identifiant"], name="structure_unique_identifiant"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.nom}"


class StructureCommune(models.Model):
    """A commune of the territory of a structure (the perimeter of a CPTS)."""

    structure = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="perimetre")
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["structure", "commune"], name="structure_commune_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.structure} — {self.commune_id}"


class IndicatorDefinition(models.Model):
    """An indicator of the registry: how to aggregate it and how its counts are protected.

    Counts are protected by default (statistical secrecy, docs/diagnostic.md); a numerator or a
    denominator is exact only when ``numerateur_public`` / ``denominateur_public`` names the
    source that already publishes it (INSEE populations, the DREES APL…).
    """

    class Aggregation(models.TextChoices):
        SOMME = "somme", "somme (effectif)"
        RATIO = "ratio", "Σ numérateurs / Σ dénominateurs"
        MOYENNE_PONDEREE = "moyenne_ponderee", "moyenne pondérée par la population"

    class Secret(models.TextChoices):
        PROFESSIONNELS = "professionnels", "effectifs de professionnels (seuil professionnels)"
        PATIENTS = "patients", "effectifs de patients (seuil patients)"

    code = models.CharField(max_length=60, primary_key=True)
    libelle = models.CharField(max_length=200)
    unite = models.CharField(max_length=100, help_text="%, pour 100 000 hab., consultations/an…")
    facteur = models.FloatField(
        default=1.0, help_text="valeur = facteur × Σ numérateurs / Σ dénominateurs"
    )
    numerateur = models.CharField("sens du numérateur", max_length=200)
    denominateur = models.CharField("sens du dénominateur", max_length=200, blank=True)
    source = models.CharField(max_length=200)
    millesime = models.CharField(max_length=20, blank=True)
    agregation = models.CharField(
        "agrégation",
        max_length=20,
        choices=Aggregation.choices,
        default=Aggregation.RATIO,
        help_text="somme : Σ numérateurs × facteur ; ratio : Σ numérateurs / Σ dénominateurs × "
        "facteur ; moyenne pondérée : numérateur = valeur × population, dénominateur = "
        "population",
    )
    secret = models.CharField(
        max_length=20,
        choices=Secret.choices,
        default=Secret.PATIENTS,
        help_text="ce que comptent le numérateur et le dénominateur protégés (seuil daté)",
    )
    numerateur_public = models.CharField(
        "numérateur déjà public",
        max_length=200,
        blank=True,
        help_text="source qui publie déjà le numérateur (vide : protégé par le secret)",
    )
    denominateur_public = models.CharField(
        "dénominateur déjà public",
        max_length=200,
        blank=True,
        help_text="source qui publie déjà le dénominateur (vide : protégé par le secret)",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = "définition d'indicateur"

    def __str__(self) -> str:
        return self.libelle


class IndicatorValue(models.Model):
    indicator = models.ForeignKey(
        IndicatorDefinition, on_delete=models.CASCADE, related_name="valeurs"
    )
    commune = models.ForeignKey(Commune, on_delete=models.CASCADE, related_name="indicateurs")
    annee = models.PositiveSmallIntegerField()
    numerateur = models.FloatField()
    denominateur = models.FloatField(null=True, blank=True)

    class Meta:
        verbose_name = "valeur d'indicateur"
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "commune", "annee"], name="indicator_value_unique"
            )
        ]
        indexes = [models.Index(fields=["indicator", "annee"])]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.commune_id} {self.annee}"


class DepartementIndicatorValue(models.Model):
    """Département-level context (data.ameli): ``None`` where the source says NS."""

    source = models.CharField(max_length=80)
    indicateur = models.CharField(max_length=80)
    departement = models.ForeignKey(
        Departement, on_delete=models.CASCADE, related_name="indicateurs"
    )
    annee = models.PositiveSmallIntegerField()
    profession = models.CharField(max_length=120, blank=True)
    valeur = models.FloatField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source", "indicateur", "departement", "annee", "profession"],
                name="departement_indicator_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicateur} {self.departement_id} {self.annee}"
