from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from simple_history.models import HistoricalRecords


class User(AbstractUser):
    """A user of maillage; the role is a group, the scope a set of départements."""

    organisation = models.CharField("organisme", max_length=200, blank=True)
    departements = models.ManyToManyField(
        "territories.Departement",
        blank=True,
        related_name="agents",
        verbose_name="départements suivis",
        help_text="Pour un agent CPAM : les départements dont il voit les données nominatives.",
    )

    rpps = models.CharField(
        "identifiant RPPS",
        max_length=12,
        blank=True,
        validators=[RegexValidator(r"^[0-9A-Z]{9,12}$", "Attendu : 9 à 12 chiffres ou lettres.")],
        help_text=(
            "Pour un professionnel de santé : son identifiant national (RPPS ou ADELI), qui "
            "relie le compte à son propre dossier. Vérifiez l'identité avant de le saisir."
        ),
    )

    history = HistoricalRecords(
        excluded_fields=["password", "last_login"], m2m_fields=["departements", "groups"]
    )

    class Meta:
        verbose_name = "utilisateur"
        verbose_name_plural = "utilisateurs"

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class AuditEntry(models.Model):
    """An intentional act worth its own record: a validation, a GDPR export or erasure, a
    retention purge, a new CPTS perimeter. Ordinary changes of the models users edit are
    recorded by django-simple-history (``history`` on each model); entries of the first three
    kinds below predate it and stay readable in the journal."""

    class Action(models.TextChoices):
        CREATION = "creation", "création"
        MODIFICATION = "modification", "modification"
        SUPPRESSION = "suppression", "suppression"
        VALIDATION = "validation", "validation"
        EXPORT = "export", "export des données d'une personne"
        EFFACEMENT = "effacement", "effacement des données d'une personne"
        PURGE = "purge", "purge de conservation"

    at = models.DateTimeField("date", auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE)
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(max_length=200)
    action = models.CharField(max_length=20, choices=Action.choices)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = "entrée d'historique"
        verbose_name_plural = "historique des modifications"
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.get_action_display()} de {self.object_repr} ({self.at:%d/%m/%Y %H:%M})"


class AccessLog(models.Model):
    """A consultation of personal data: one row per professional whose data a page, an export
    or an API answer showed (``rpps``), or one row without ``rpps`` for data not tied to a
    professional. Erasure replaces ``rpps`` by a pseudonym (docs/securite.md)."""

    at = models.DateTimeField("date", auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        User, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name="utilisateur"
    )
    subject = models.CharField("donnée", max_length=40, help_text="type de donnée consultée")
    subject_id = models.CharField("objet", max_length=64)
    purpose = models.CharField("finalité", max_length=200, blank=True)
    rpps = models.CharField(
        "professionnel (RPPS)",
        max_length=40,
        blank=True,
        db_index=True,
        help_text="identifiant du professionnel dont les données ont été affichées",
    )
    route = models.CharField("page", max_length=100, blank=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = "accès à des données personnelles"
        verbose_name_plural = "journal des accès aux données personnelles"

    def __str__(self) -> str:
        return f"{self.user} → {self.subject} {self.subject_id}"
