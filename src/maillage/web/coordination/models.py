"""Coordinated-care steering (EXECO CPTS): lifecycle of CPTS / MSP / centres de santé, ACI
contracts, indicators, yearly results, payments actually made.

Structures themselves live in ``supply.Structure``; a :class:`Dossier` is the follow-up file a
caisse keeps on one of them. Amounts due are never stored: they are computed by the rules
engine (``maillage.engine.rules``) from the contract built by ``services.contract_json``.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from maillage.engine import formatting
from maillage.engine.rules.cpts import MISSION_LABELS

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
DOCUMENT_EXTENSIONS = {".pdf", ".odt", ".ods", ".docx", ".xlsx", ".png", ".jpg", ".jpeg"}
# First bytes of the accepted formats: an extension alone is easy to fake.
DOCUMENT_MAGIC = {
    ".pdf": (b"%PDF",),
    ".odt": (b"PK",),
    ".ods": (b"PK",),
    ".docx": (b"PK",),
    ".xlsx": (b"PK",),
    ".png": (b"\x89PNG",),
    ".jpg": (b"\xff\xd8",),
    ".jpeg": (b"\xff\xd8",),
}


def validate_document(upload) -> None:
    extension = Path(upload.name).suffix.lower()
    if extension not in DOCUMENT_EXTENSIONS:
        raise ValidationError(
            "Format non accepté (PDF, ODT, ODS, DOCX, XLSX, PNG ou JPEG).", code="format"
        )
    if upload.size > MAX_DOCUMENT_BYTES:
        raise ValidationError("Document trop volumineux (10 Mo au plus).", code="taille")
    head = upload.read(8)
    upload.seek(0)
    if not any(head.startswith(magic) for magic in DOCUMENT_MAGIC[extension]):
        raise ValidationError(
            "Le contenu du fichier ne correspond pas à son extension.", code="contenu"
        )


class Stage(models.TextChoices):
    """Stage of a structure, derived from its latest lifecycle event."""

    AUCUN = "aucun", "sans événement"
    LETTRE = "lettre", "lettre d'intention"
    LETTRE_VALIDEE = "lettre_validee", "lettre d'intention validée"
    PRE_PROJET = "pre_projet", "pré-projet"
    DIAGNOSTIC = "diagnostic", "diagnostic"
    PROJET = "projet", "projet de santé validé"
    ACI = "aci", "ACI signé"
    DISSOUTE = "dissoute", "dissoute"


class Dossier(models.Model):
    structure = models.OneToOneField(
        "supply.Structure", on_delete=models.CASCADE, related_name="dossier"
    )
    coordinateurs = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="structures_coordonnees"
    )
    sisa = models.BooleanField("SISA constituée", default=False)
    sisa_date = models.DateField("date de constitution de la SISA", null=True, blank=True)
    patientele_mt = models.PositiveIntegerField(
        "patientèle médecin traitant des médecins associés", null=True, blank=True
    )
    accord_cds = models.BooleanField(
        "centre de santé adhérent à l'accord national des centres de santé", default=False
    )
    population_override = models.PositiveIntegerField(
        "population couverte retenue", null=True, blank=True
    )
    population_override_motif = models.CharField(
        "motif de la population retenue", max_length=300, blank=True
    )
    notes = models.TextField(blank=True)

    history = HistoricalRecords(m2m_fields=["coordinateurs"])

    class Meta:
        verbose_name = "dossier de structure"
        verbose_name_plural = "dossiers de structures"

    def __str__(self) -> str:
        return str(self.structure)

    def clean(self) -> None:
        if self.population_override is not None and not self.population_override_motif.strip():
            raise ValidationError(
                {"population_override_motif": "Indiquer le motif de la population retenue."}
            )


class Event(models.Model):
    class Kind(models.TextChoices):
        LETTRE_INTENTION = "lettre_intention", "lettre d'intention"
        VALIDATION_ARS = "validation_ars", "validation de la lettre d'intention par l'ARS"
        PRE_PROJET = "pre_projet", "pré-projet"
        DIAGNOSTIC = "diagnostic", "diagnostic territorial"
        PROJET_SANTE = "projet_sante", "projet de santé validé"
        ACI_SIGNE = "aci_signe", "ACI signé"
        AVENANT = "avenant", "avenant"
        DIALOGUE = "dialogue", "dialogue de gestion"
        RENOUVELLEMENT = "renouvellement", "renouvellement"
        DISSOLUTION = "dissolution", "dissolution"

    STAGE_OF = {
        Kind.LETTRE_INTENTION: Stage.LETTRE,
        Kind.VALIDATION_ARS: Stage.LETTRE_VALIDEE,
        Kind.PRE_PROJET: Stage.PRE_PROJET,
        Kind.DIAGNOSTIC: Stage.DIAGNOSTIC,
        Kind.PROJET_SANTE: Stage.PROJET,
        Kind.ACI_SIGNE: Stage.ACI,
        Kind.AVENANT: Stage.ACI,
        Kind.DIALOGUE: Stage.ACI,
        Kind.RENOUVELLEMENT: Stage.ACI,
        Kind.DISSOLUTION: Stage.DISSOUTE,
    }

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="evenements")
    kind = models.CharField("étape", max_length=20, choices=Kind.choices)
    date = models.DateField()
    commentaire = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["date", "id"]
        verbose_name = "événement"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} du {self.date:%d/%m/%Y}"

    @property
    def stage(self) -> str:
        return self.STAGE_OF[self.kind]


class Document(models.Model):
    evenement = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="documents")
    titre = models.CharField(max_length=200)
    fichier = models.FileField(upload_to="coordination/%Y/", validators=[validate_document])
    ajoute_le = models.DateTimeField(auto_now_add=True)
    ajoute_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "document"
        ordering = ["ajoute_le"]

    def __str__(self) -> str:
        return self.titre


class Member(models.Model):
    """A professional taking part in a CPTS, or an associate of an MSP / centre."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="membres")
    professional = models.ForeignKey(
        "supply.Professional", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    nom = models.CharField(max_length=200, blank=True)
    categorie = models.CharField("profession (catégorie)", max_length=40, db_index=True)
    associe = models.BooleanField("associé (MSP, SISA)", default=False)
    date_entree = models.DateField("date d'entrée", null=True, blank=True)
    date_sortie = models.DateField("date de sortie", null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["categorie", "nom"]
        verbose_name = "membre"

    def __str__(self) -> str:
        return self.nom or str(self.professional or self.categorie)


class Contract(models.Model):
    class Kind(models.TextChoices):
        CPTS = "cpts", "ACI CPTS"
        MSP = "msp", "ACI MSP"

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="contrats")
    kind = models.CharField("accord", max_length=4, choices=Kind.choices)
    date_signature = models.DateField("date de signature")
    taille_override = models.PositiveSmallIntegerField(
        "taille retenue",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(4)],
        help_text="Laisser vide : taille calculée sur la population couverte à la signature.",
    )
    taille_override_motif = models.CharField(
        "motif de la taille retenue", max_length=300, blank=True
    )
    fonctionnement_override = models.DecimalField(
        "fonctionnement annuel fixé par le contrat",
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
    )
    fonctionnement_override_motif = models.CharField(
        "motif du fonctionnement retenu", max_length=300, blank=True
    )
    commentaire = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-date_signature"]
        verbose_name = "contrat ACI"
        verbose_name_plural = "contrats ACI"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.dossier.structure.nom} ({self.date_signature:%Y})"

    def clean(self) -> None:
        errors = {}
        if self.taille_override and not self.taille_override_motif.strip():
            errors["taille_override_motif"] = "Indiquer le motif de la taille retenue."
        if self.fonctionnement_override is not None and not (
            self.fonctionnement_override_motif.strip()
        ):
            errors["fonctionnement_override_motif"] = "Indiquer le motif du montant retenu."
        if errors:
            raise ValidationError(errors)


class Mission(models.Model):
    contrat = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="missions")
    code = models.CharField(max_length=40, choices=list(MISSION_LABELS.items()))
    part_fixe = models.DecimalField("part fixe annuelle", max_digits=12, decimal_places=2)
    part_variable = models.DecimalField(
        "part variable annuelle (100 %)", max_digits=12, decimal_places=2, default=0
    )
    montants_motif = models.CharField(
        "motif des montants (s'ils diffèrent des valeurs nationales)", max_length=300, blank=True
    )
    date_demarrage = models.DateField("date de démarrage", null=True, blank=True)
    date_deploiement = models.DateField("date de déploiement", null=True, blank=True)
    delai_demarrage_mois = models.PositiveSmallIntegerField(
        "délai de démarrage (mois, mission optionnelle)", null=True, blank=True
    )
    delai_deploiement_mois = models.PositiveSmallIntegerField(
        "délai de déploiement (mois, mission optionnelle)", null=True, blank=True
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "mission"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["contrat", "code"], name="mission_unique_code")
        ]

    def __str__(self) -> str:
        return self.get_code_display()


class Indicator(models.Model):
    class Mode(models.TextChoices):
        LINEAIRE = "lineaire", "linéaire"
        PALIERS = "paliers", "par paliers"

    mission = models.ForeignKey(Mission, on_delete=models.CASCADE, related_name="indicateurs")
    code = models.SlugField(max_length=60)
    libelle = models.CharField("libellé", max_length=200)
    poids = models.DecimalField(
        max_digits=5,
        decimal_places=4,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
    )
    valeur_initiale = models.DecimalField(max_digits=14, decimal_places=4)
    objectif = models.DecimalField("objectif final", max_digits=14, decimal_places=4)
    objectifs_annuels = models.JSONField(
        default=dict, blank=True, help_text='{"1": 300, "2": 600} par année de contrat'
    )
    paliers = models.JSONField(default=list, blank=True, help_text='[{"valeur": 400, "taux": 0.5}]')
    mode = models.CharField(max_length=10, choices=Mode.choices, default=Mode.LINEAIRE)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "indicateur"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["mission", "code"], name="indicateur_unique_code")
        ]

    def __str__(self) -> str:
        return self.libelle or self.code


class Result(models.Model):
    """Yearly result of an indicator; only validated results feed the remuneration."""

    class Status(models.TextChoices):
        SAISI = "saisi", "saisi, à valider"
        VALIDE = "valide", "validé"

    indicateur = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="resultats")
    annee_contrat = models.PositiveSmallIntegerField(
        "année de contrat", validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    valeur = models.DecimalField(max_digits=14, decimal_places=4)
    statut = models.CharField(max_length=10, choices=Status.choices, default=Status.SAISI)
    saisi_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    valide_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    valide_le = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "résultat"
        ordering = ["annee_contrat"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicateur", "annee_contrat"], name="resultat_unique_annee"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicateur} — année {self.annee_contrat} : {formatting.number(self.valeur)}"


class Dialogue(models.Model):
    """The yearly dialogue de gestion of a contract year (date = payment of the variable part)."""

    contrat = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="dialogues")
    annee_contrat = models.PositiveSmallIntegerField(
        "année de contrat", validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    date = models.DateField()
    participants = models.TextField(
        "participants",
        blank=True,
        help_text="Personnes présentes, une par ligne ou séparées par des virgules.",
    )
    compte_rendu = models.TextField("compte rendu", blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "dialogue de gestion"
        ordering = ["annee_contrat"]
        constraints = [
            models.UniqueConstraint(
                fields=["contrat", "annee_contrat"], name="dialogue_unique_annee"
            )
        ]

    def __str__(self) -> str:
        return f"Dialogue de gestion année {self.annee_contrat} ({self.date:%d/%m/%Y})"


class MspExercise(models.Model):
    contrat = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="exercices")
    annee = models.PositiveSmallIntegerField("année", validators=[MinValueValidator(2015)])
    patientele = models.PositiveIntegerField("patientèle médecin traitant (finale)")
    patientele_avance = models.PositiveIntegerField(
        "patientèle au 31 décembre n-1 (avance)", null=True, blank=True
    )
    date_versement_avance = models.DateField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "exercice MSP"
        ordering = ["annee"]
        constraints = [
            models.UniqueConstraint(fields=["contrat", "annee"], name="exercice_unique_annee")
        ]

    def __str__(self) -> str:
        return f"Exercice {self.annee}"


class MspCriterion(models.Model):
    class Category(models.TextChoices):
        PREREQUIS = "prerequis", "socle prérequis"
        SOCLE = "socle", "socle"
        OPTIONNEL = "optionnel", "optionnel"

    exercice = models.ForeignKey(MspExercise, on_delete=models.CASCADE, related_name="criteres")
    code = models.SlugField(max_length=60)
    libelle = models.CharField("libellé", max_length=200, blank=True)
    categorie = models.CharField("catégorie", max_length=10, choices=Category.choices)
    points_fixes = models.DecimalField(max_digits=8, decimal_places=2, default=0)
    points_variables = models.DecimalField(max_digits=8, decimal_places=2, default=0)
    taux_atteinte = models.DecimalField(
        max_digits=5,
        decimal_places=4,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "critère MSP"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.libelle or self.code


class Payment(models.Model):
    """A payment actually made by the caisse (ledger entered by staff)."""

    contrat = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="paiements")
    date = models.DateField()
    montant = models.DecimalField(max_digits=12, decimal_places=2)
    composante = models.CharField(max_length=40, blank=True)
    mission = models.CharField(max_length=40, blank=True, choices=list(MISSION_LABELS.items()))
    annee_contrat = models.PositiveSmallIntegerField(
        "année de contrat",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    reference = models.CharField("référence du paiement", max_length=100, blank=True)
    saisi_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["date", "id"]
        verbose_name = "paiement"

    def __str__(self) -> str:
        return f"Paiement du {formatting.date(self.date)} : {formatting.money(self.montant)}"
