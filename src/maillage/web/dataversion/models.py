"""The single row holding the data version."""

from __future__ import annotations

from django.db import models


class DataVersion(models.Model):
    """Version of the reference data: a counter and a random token, both rewritten by every
    change (see :mod:`maillage.web.dataversion.tracking`).

    The token makes versions unique across time: a rolled back transaction or a restored backup
    can bring an old counter back, never an old (counter, token) pair with other data.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    counter = models.BigIntegerField("numéro", default=0)
    token = models.CharField("jeton", max_length=32)
    changed_at = models.DateTimeField("modifiée le")
    reason = models.CharField("origine de la dernière modification", max_length=200, blank=True)

    class Meta:
        verbose_name = "version des données"
        verbose_name_plural = "version des données"

    def __str__(self) -> str:
        return f"{self.counter}-{self.token}"
