"""Territories saved by logged-in users (only their owner sees them)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class SavedTerritory(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="territoires_diagnostic"
    )
    nom = models.CharField(max_length=120)
    communes = models.JSONField(default=list, help_text="codes INSEE des communes")
    cree_le = models.DateTimeField(auto_now_add=True)
    modifie_le = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["nom"]
        verbose_name = "territoire enregistré"
        verbose_name_plural = "territoires enregistrés"
        constraints = [
            models.UniqueConstraint(fields=["owner", "nom"], name="saved_territory_owner_nom")
        ]

    def __str__(self) -> str:
        return self.nom
