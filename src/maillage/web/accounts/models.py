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
