"""The territory referential: régions, départements, EPCI, communes and arrondissements."""

from __future__ import annotations

from django.db import models

AGE_BAND_FIELDS = {
    "0014": ("pop_0_14", "0–14 ans"),
    "1529": ("pop_15_29", "15–29 ans"),
    "3044": ("pop_30_44", "30–44 ans"),
    "4559": ("pop_45_59", "45–59 ans"),
    "6074": ("pop_60_74", "60–74 ans"),
    "7589": ("pop_75_89", "75–89 ans"),
    "90P": ("pop_90_plus", "90 ans ou plus"),
}


class Region(models.Model):
    code = models.CharField("code INSEE", max_length=3, primary_key=True)
    nom = models.CharField(max_length=100)

    class Meta:
        ordering = ["code"]
        verbose_name = "région"

    def __str__(self) -> str:
        return f"{self.nom} ({self.code})"


class Departement(models.Model):
    code = models.CharField("code INSEE", max_length=3, primary_key=True)
    nom = models.CharField(max_length=100)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="departements")
    chef_lieu = models.CharField("chef-lieu (code INSEE)", max_length=5, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = "département"

    def __str__(self) -> str:
        return f"{self.nom} ({self.code})"


class Epci(models.Model):
    siren = models.CharField("SIREN", max_length=9, primary_key=True)
    nom = models.CharField(max_length=200)
    nature = models.CharField(max_length=10, blank=True, help_text="CC, CA, CU, METRO…")

    class Meta:
        ordering = ["nom"]
        verbose_name = "EPCI"
        verbose_name_plural = "EPCI"

    def __str__(self) -> str:
        return self.nom


class Commune(models.Model):
    class Nature(models.TextChoices):
        COMMUNE = "COM", "commune"
        ARRONDISSEMENT = "ARM", "arrondissement municipal"
        DELEGUEE = "COMD", "commune déléguée"
        ASSOCIEE = "COMA", "commune associée"
        ANCIENNE = "ANC", "ancienne commune"

    class Statut(models.TextChoices):
        ACTUELLE = "actuelle", "actuelle"
        FUSIONNEE = "fusionnee", "fusionnée dans une autre commune"

    code = models.CharField("code INSEE", max_length=5, primary_key=True)
    nom = models.CharField(max_length=200)
    nature = models.CharField(max_length=4, choices=Nature.choices, default=Nature.COMMUNE)
    statut = models.CharField(max_length=10, choices=Statut.choices, default=Statut.ACTUELLE)
    commune_parente = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="arrondissements",
        help_text="Pour un arrondissement municipal : Paris, Lyon ou Marseille.",
    )
    fusionnee_dans = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="anciennes",
        help_text="Pour une commune fusionnée : la commune actuelle qui l'a absorbée.",
    )
    departement = models.ForeignKey(
        Departement, null=True, blank=True, on_delete=models.PROTECT, related_name="communes"
    )
    region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, related_name="communes"
    )
    epci = models.ForeignKey(
        Epci, null=True, blank=True, on_delete=models.SET_NULL, related_name="communes"
    )
    codes_postaux = models.JSONField(default=list, blank=True)

    population = models.PositiveIntegerField("population municipale", null=True, blank=True)
    population_annee = models.PositiveSmallIntegerField(
        "millésime de la population", null=True, blank=True
    )
    pop_0_14 = models.FloatField("0–14 ans", null=True, blank=True)
    pop_15_29 = models.FloatField("15–29 ans", null=True, blank=True)
    pop_30_44 = models.FloatField("30–44 ans", null=True, blank=True)
    pop_45_59 = models.FloatField("45–59 ans", null=True, blank=True)
    pop_60_74 = models.FloatField("60–74 ans", null=True, blank=True)
    pop_75_89 = models.FloatField("75–89 ans", null=True, blank=True)
    pop_90_plus = models.FloatField("90 ans ou plus", null=True, blank=True)
    pop_ages_annee = models.PositiveSmallIntegerField("millésime des âges", null=True, blank=True)

    surface_km2 = models.FloatField("surface (km²)", null=True, blank=True)
    centre_lon = models.FloatField(null=True, blank=True)
    centre_lat = models.FloatField(null=True, blank=True)
    contour = models.JSONField("contour simplifié (GeoJSON)", null=True, blank=True)
    bbox_min_lon = models.FloatField(null=True, blank=True)
    bbox_min_lat = models.FloatField(null=True, blank=True)
    bbox_max_lon = models.FloatField(null=True, blank=True)
    bbox_max_lat = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = "commune"
        indexes = [
            models.Index(fields=["departement", "statut"]),
            models.Index(fields=["nom"]),
            models.Index(fields=["bbox_min_lon", "bbox_max_lon"]),
        ]

    def __str__(self) -> str:
        return f"{self.nom} ({self.code})"

    @property
    def densite(self) -> float | None:
        if self.population is None or not self.surface_km2:
            return None
        return self.population / self.surface_km2

    @property
    def centre(self) -> tuple[float, float] | None:
        if self.centre_lon is None or self.centre_lat is None:
            return None
        return (self.centre_lon, self.centre_lat)

    def age_bands(self) -> list[tuple[str, float | None]]:
        return [(label, getattr(self, field)) for field, label in AGE_BAND_FIELDS.values()]


class PopulationLegale(models.Model):
    """Legal population of a commune for one vintage: several vintages coexist, so that the
    diagnosis can show the evolution. ``Commune.population`` keeps the newest one."""

    commune = models.ForeignKey(Commune, on_delete=models.CASCADE, related_name="populations")
    annee = models.PositiveSmallIntegerField("millésime")
    population = models.PositiveIntegerField("population municipale")

    class Meta:
        ordering = ["commune", "annee"]
        verbose_name = "population légale (millésime)"
        verbose_name_plural = "populations légales (historique)"
        constraints = [
            models.UniqueConstraint(fields=["commune", "annee"], name="population_commune_annee")
        ]
        indexes = [models.Index(fields=["annee"])]

    def __str__(self) -> str:
        return f"{self.commune_id} {self.annee} : {self.population}"


class Zonage(models.Model):
    """A study zoning (zonage d'étude): territoires de vie-santé, bassins de vie, cantons-villes
    or any grouping of communes. One row per (code, millésime)."""

    class Type(models.TextChoices):
        TVS = "tvs", "territoires de vie-santé"
        BV2022 = "bv2022", "bassins de vie 2022"
        CANTON_VILLE = "canton_ville", "cantons-villes"
        AUTRE = "autre", "autre regroupement"

    code = models.SlugField(
        max_length=40, help_text="identifiant court utilisé dans les sélections (ex. « tvs »)"
    )
    type = models.CharField(max_length=20, choices=Type.choices)
    libelle = models.CharField("libellé", max_length=200)
    millesime = models.PositiveSmallIntegerField("millésime")
    source = models.CharField(max_length=300, blank=True)
    fictif = models.BooleanField(
        default=False, help_text="zonage inventé (démonstration) : signalé comme tel"
    )
    importe_le = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code", "-millesime"]
        verbose_name = "zonage d'étude"
        verbose_name_plural = "zonages d'étude"
        constraints = [
            models.UniqueConstraint(fields=["code", "millesime"], name="zonage_code_millesime")
        ]

    def __str__(self) -> str:
        return f"{self.libelle} ({self.millesime})"


class Zone(models.Model):
    """A zone of a study zoning (one TVS, one bassin de vie…)."""

    zonage = models.ForeignKey(Zonage, on_delete=models.CASCADE, related_name="zones")
    code = models.CharField(max_length=20)
    nom = models.CharField(max_length=200)

    class Meta:
        ordering = ["zonage", "nom"]
        verbose_name = "zone d'étude"
        verbose_name_plural = "zones d'étude"
        constraints = [models.UniqueConstraint(fields=["zonage", "code"], name="zone_zonage_code")]

    def __str__(self) -> str:
        return f"{self.nom} ({self.code})"


class ZoneCommune(models.Model):
    """Membership of a commune in a zone; a commune belongs to at most one zone per zoning
    (``zonage`` is repeated here so that the database enforces it)."""

    zonage = models.ForeignKey(Zonage, on_delete=models.CASCADE, related_name="appartenances")
    zone = models.ForeignKey(Zone, on_delete=models.CASCADE, related_name="appartenances")
    commune = models.ForeignKey(Commune, on_delete=models.CASCADE, related_name="zones_etude")

    class Meta:
        verbose_name = "commune d'une zone d'étude"
        verbose_name_plural = "communes des zones d'étude"
        constraints = [
            models.UniqueConstraint(fields=["zonage", "commune"], name="zone_commune_unique")
        ]
        indexes = [models.Index(fields=["zone"])]

    def __str__(self) -> str:
        return f"{self.commune_id} → {self.zone_id}"
