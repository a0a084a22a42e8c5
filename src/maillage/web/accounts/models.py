from django.contrib.auth.models import AbstractUser
from django.db import models


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

    class Meta:
        verbose_name = "utilisateur"
        verbose_name_plural = "utilisateurs"

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class AuditEntry(models.Model):
    """One change of a tracked object: who, when, what before and after."""

    class Action(models.TextChoices):
        CREATION = "creation", "création"
        MODIFICATION = "modification", "modification"
        SUPPRESSION = "suppression", "suppression"
        VALIDATION = "validation", "validation"

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
    """A consultation of personal data (a professional's contact records, …)."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    subject = models.CharField(max_length=40, help_text="type de donnée consultée")
    subject_id = models.CharField(max_length=64)
    purpose = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = "accès à des données personnelles"
        verbose_name_plural = "journal des accès aux données personnelles"

    def __str__(self) -> str:
        return f"{self.user} → {self.subject} {self.subject_id}"
