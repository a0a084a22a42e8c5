"""Support to health professionals: campaigns, contacts, webinars, installation pathway and
contracts with professionals (demographic and medical-assistant contracts).

Every record carries the département it belongs to: it decides who may see it (CPAM agents of
that département, administrators) and where it is counted in the key figures. No figure is
stored here; reporting derives them at request time from these rows.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from maillage.engine import formatting
from maillage.web.supply.models import Professional, SupplyImport
from maillage.web.territories.models import Departement


class Team(models.TextChoices):
    DAM = "DAM", "délégué de l'Assurance Maladie (DAM)"
    CIS = "CIS", "conseiller informatique service (CIS)"
    DNS = "DNS", "délégué numérique en santé (DNS)"
    ROC = "ROC", "référent des organisations coordonnées (ROC)"
    RPS = "RPS", "relations avec les professionnels de santé (RPS)"
    SM = "SM", "service médical"
    AUTRE = "AUTRE", "autre"


class Channel(models.TextChoices):
    VISITE = "visite", "visite"
    TELEPHONE = "telephone", "téléphone"
    VISIO = "visio", "visioconférence"
    EMAIL = "email", "courriel"
    WEBINAIRE = "webinaire", "webinaire"


class Campaign(models.Model):
    class Scope(models.TextChoices):
        NATIONALE = "nationale", "nationale"
        LOCALE = "locale", "locale"

    theme = models.CharField("thème", max_length=200)
    description = models.TextField(blank=True)
    portee = models.CharField("portée", max_length=10, choices=Scope.choices)
    departement = models.ForeignKey(Departement, on_delete=models.PROTECT, related_name="campagnes")
    professions = models.JSONField(
        "professions ciblées", default=list, help_text="codes de catégorie (professions.yaml)"
    )
    canaux = models.JSONField("canaux prévus", default=list, blank=True)
    debut = models.DateField("début")
    fin = models.DateField("fin")
    criteres = models.JSONField(
        "critères de la liste cible", default=dict, blank=True, help_text="pour la traçabilité"
    )
    cree_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cree_le = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-debut", "theme"]
        verbose_name = "campagne"

    def __str__(self) -> str:
        return f"{self.theme} ({self.debut:%m/%Y})"

    @property
    def channel_labels(self) -> str:
        labels = dict(Channel.choices)
        return ", ".join(labels.get(c, c) for c in self.canaux) or "—"

    @property
    def criteria_text(self) -> str:
        """The criteria of the target list as a French sentence (kept as JSON for traceability)."""
        from maillage.engine import formatting
        from maillage.engine.sources.professions import load_profession_table

        criteria = self.criteres or {}
        professions = load_profession_table().labels
        parts = [
            ", ".join(
                professions.get(p, p) for p in criteria.get("professions") or self.professions
            )
            or "toutes professions"
        ]
        if criteria.get("commune"):
            from maillage.web.territories.models import Commune

            commune = Commune.objects.filter(code=criteria["commune"]).first()
            parts.append(
                f"exerçant à {commune.nom} ({commune.code})" if commune else criteria["commune"]
            )
        if criteria.get("liberal"):
            parts.append("exercice libéral uniquement")
        if criteria.get("indicateur"):
            from maillage.web.supply.models import IndicatorDefinition

            definition = IndicatorDefinition.objects.filter(code=criteria["indicateur"]).first()
            name = definition.libelle if definition else criteria["indicateur"]
            year = criteria.get("annee_indicateur")
            parts.append(
                f"{name}{f' ({year})' if year else ''} d'au moins "
                f"{formatting.number(criteria.get('seuil'))} dans la commune d'exercice"
            )
        return " ; ".join(parts)


class CampaignTarget(models.Model):
    campagne = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="cibles")
    professional = models.ForeignKey(Professional, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = "cible de campagne"
        constraints = [
            models.UniqueConstraint(fields=["campagne", "professional"], name="cible_unique")
        ]

    def __str__(self) -> str:
        return f"{self.campagne_id} → {self.professional_id}"


class Webinar(models.Model):
    """A webinar; its identified participants are its contacts (channel webinaire)."""

    titre = models.CharField(max_length=200)
    date = models.DateField()
    departement = models.ForeignKey(
        Departement, on_delete=models.PROTECT, related_name="webinaires"
    )
    campagne = models.ForeignKey(
        Campaign, null=True, blank=True, on_delete=models.SET_NULL, related_name="webinaires"
    )
    equipe = models.CharField("équipe", max_length=8, choices=Team.choices, default=Team.DAM)
    participants_non_identifies = models.PositiveIntegerField(
        "participants non identifiés",
        default=0,
        help_text="participants connectés sans identification RPPS (comptés, non nominatifs)",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-date"]
        verbose_name = "webinaire"

    def __str__(self) -> str:
        return f"{self.titre} ({self.date:%d/%m/%Y})"


class Contact(models.Model):
    class Outcome(models.TextChoices):
        REALISE = "realise", "échange réalisé"
        A_RELANCER = "a_relancer", "à relancer"
        INJOIGNABLE = "injoignable", "injoignable"
        REFUS = "refus", "refus"

    professional = models.ForeignKey(
        Professional, on_delete=models.CASCADE, related_name="contacts_accompagnement"
    )
    departement = models.ForeignKey(Departement, on_delete=models.PROTECT, related_name="+")
    canal = models.CharField(max_length=10, choices=Channel.choices)
    date = models.DateField(db_index=True)
    campagne = models.ForeignKey(
        Campaign, null=True, blank=True, on_delete=models.SET_NULL, related_name="contacts"
    )
    sujet = models.CharField("sujet", max_length=200, blank=True)
    webinaire = models.ForeignKey(
        Webinar, null=True, blank=True, on_delete=models.CASCADE, related_name="contacts"
    )
    auteur = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    equipe = models.CharField("équipe", max_length=8, choices=Team.choices)
    resultat = models.CharField(
        "résultat", max_length=12, choices=Outcome.choices, default=Outcome.REALISE
    )
    commentaire = models.TextField(blank=True)
    # Natural key of an imported line, so that importing the same file twice creates nothing.
    cle_import = models.CharField(max_length=64, blank=True, db_index=True)
    cree_le = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = "contact"
        indexes = [models.Index(fields=["departement", "date"])]

    def __str__(self) -> str:
        return f"{self.get_canal_display()} — {self.professional} ({self.date:%d/%m/%Y})"


class FollowUp(models.Model):
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="suites")
    libelle = models.CharField("suite à donner", max_length=200)
    echeance = models.DateField("échéance")
    fait = models.BooleanField(default=False)
    fait_le = models.DateField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["echeance"]
        verbose_name = "suite"

    def __str__(self) -> str:
        return f"{self.libelle} ({self.echeance:%d/%m/%Y})"


class Installation(models.Model):
    """A professional who set up in the département: the start of the installation pathway."""

    class Source(models.TextChoices):
        DETECTEE = "detectee", "détectée entre deux imports RPPS"
        SAISIE = "saisie", "saisie par un agent"

    class CheckResult(models.TextChoices):
        CONFORME = "conforme", "facturation conforme"
        ANOMALIES = "anomalies", "anomalies expliquées au professionnel"
        ANOMALIES_GRAVES = "anomalies_graves", "anomalies nécessitant un suivi"

    professional = models.ForeignKey(
        Professional, on_delete=models.CASCADE, related_name="installations"
    )
    departement = models.ForeignKey(Departement, on_delete=models.PROTECT, related_name="+")
    date_installation = models.DateField("date d'installation")
    source = models.CharField(max_length=10, choices=Source.choices)
    import_detection = models.ForeignKey(
        SupplyImport, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    controle_date = models.DateField("date du contrôle pédagogique", null=True, blank=True)
    controle_resultat = models.CharField(
        "résultat du contrôle pédagogique", max_length=20, choices=CheckResult.choices, blank=True
    )
    controle_commentaire = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-date_installation"]
        verbose_name = "installation"
        constraints = [
            models.UniqueConstraint(
                fields=["professional", "date_installation"], name="installation_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.professional} — installé le {self.date_installation:%d/%m/%Y}"


class Milestone(models.Model):
    class Kind(models.TextChoices):
        RDV_INSTALLATION = "rdv_installation", "rendez-vous d'installation"
        SUIVI_6_MOIS = "suivi_6_mois", "suivi à 6 mois"
        SUIVI_1_AN = "suivi_1_an", "suivi à un an"

    installation = models.ForeignKey(Installation, on_delete=models.CASCADE, related_name="jalons")
    kind = models.CharField("étape", max_length=20, choices=Kind.choices)
    echeance = models.DateField("échéance")
    realise_le = models.DateField("réalisé le", null=True, blank=True)
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["echeance"]
        verbose_name = "étape du parcours d'installation"
        constraints = [
            models.UniqueConstraint(fields=["installation", "kind"], name="jalon_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.echeance:%d/%m/%Y})"


class Contract(models.Model):
    class Kind(models.TextChoices):
        CAIM = "caim", "CAIM (aide à l'installation, convention 2016)"
        COSCOM = "coscom", "COSCOM (stabilisation et coordination, convention 2016)"
        COTRAM = "cotram", "COTRAM (transition, convention 2016)"
        CSTM = "cstm", "CSTM (solidarité territoriale, convention 2016)"
        INSTALLATION_2026 = "installation_2026", "aide à la première installation (2026)"
        SECONDAIRE_2026 = "secondaire_2026", "aide à l'exercice secondaire en ZIP (2026)"
        INFIRMIER = "infirmier", "aide à l'installation des infirmiers"
        KINE = "kine", "aide à l'installation des masseurs-kinésithérapeutes"
        ASSISTANT_MEDICAL = "assistant_medical", "contrat d'assistant médical"

    class Status(models.TextChoices):
        EN_COURS = "en_cours", "en cours"
        TERMINE = "termine", "terminé"
        RESILIE = "resilie", "résilié"

    professional = models.ForeignKey(
        Professional, on_delete=models.PROTECT, related_name="contrats_accompagnement"
    )
    departement = models.ForeignKey(Departement, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("type", max_length=20, choices=Kind.choices)
    date_signature = models.DateField("date de signature", db_index=True)
    date_fin = models.DateField("fin de l'engagement", null=True, blank=True)
    zone = models.CharField(max_length=30, blank=True, help_text="ZIP, ZAC, très sous-dotée…")
    options = models.JSONField(
        default=dict, blank=True, help_text="jours par semaine, hôpital de proximité, …"
    )
    montant_total = models.DecimalField("montant prévu", max_digits=12, decimal_places=2)
    engagements = models.TextField(blank=True)
    regles = models.JSONField(
        "règles appliquées",
        default=list,
        blank=True,
        help_text="paramètres datés utilisés (valeur, référence, statut)",
    )
    statut = models.CharField(max_length=10, choices=Status.choices, default=Status.EN_COURS)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-date_signature"]
        verbose_name = "contrat avec un professionnel"
        verbose_name_plural = "contrats avec les professionnels"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.professional}"


class ScheduledPayment(models.Model):
    contrat = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="echeances")
    libelle = models.CharField(max_length=120)
    date_prevue = models.DateField("date prévue")
    montant = models.DecimalField(max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["date_prevue"]
        verbose_name = "échéance"

    def __str__(self) -> str:
        amount, day = formatting.money(self.montant), formatting.date(self.date_prevue)
        return f"{self.libelle} : {amount} le {day}"


class Payment(models.Model):
    contrat = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="versements")
    echeance = models.ForeignKey(
        ScheduledPayment, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    date = models.DateField()
    montant = models.DecimalField(max_digits=12, decimal_places=2)

    history = HistoricalRecords()

    class Meta:
        ordering = ["date"]
        verbose_name = "versement"

    def __str__(self) -> str:
        return f"versement de {formatting.money(self.montant)} le {formatting.date(self.date)}"
