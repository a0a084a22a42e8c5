"""Supply rows for the diagnosis tests, created directly with the ORM (the supply importers
are built elsewhere)."""

from __future__ import annotations

import itertools

from maillage.web.supply.models import (
    Activity,
    Establishment,
    IndicatorDefinition,
    IndicatorValue,
    Professional,
    Structure,
    StructureCommune,
)

_counter = itertools.count(1)


def professional(categorie="medecin_generaliste", annee_naissance=None, **kwargs) -> Professional:
    n = next(_counter)
    return Professional.objects.create(
        identifiant_national=kwargs.pop("identifiant_national", f"8{n:010d}"),
        type_identifiant="8",
        nom=f"Nom{n}",
        prenom="Test",
        code_profession="10",
        categorie=categorie,
        annee_naissance=annee_naissance,
        **kwargs,
    )


def professionals_in(
    commune: str, count: int, categorie="medecin_generaliste", mode="L", annee_naissance=None
) -> list[Professional]:
    """``count`` professionals practising in ``commune`` (bulk, one activity each)."""
    start = next(_counter) * 10_000
    profs = Professional.objects.bulk_create(
        Professional(
            identifiant_national=f"9{start + i:010d}",
            type_identifiant="8",
            nom=f"P{start + i}",
            code_profession="10",
            categorie=categorie,
            annee_naissance=annee_naissance,
        )
        for i in range(count)
    )
    profs = list(
        Professional.objects.filter(
            identifiant_national__in=[p.identifiant_national for p in profs]
        )
    )
    Activity.objects.bulk_create(
        Activity(professional=p, commune_id=commune, mode_exercice=mode) for p in profs
    )
    return profs


def establishment(classe, commune, lon, lat, nom=None) -> Establishment:
    n = next(_counter)
    return Establishment.objects.create(
        finess=f"83{n:07d}",
        nom=nom or f"Établissement {n}",
        categorie="355",
        classe=classe,
        commune_id=commune,
        lon=lon,
        lat=lat,
    )


def structure(kind, nom, communes, siege=None) -> Structure:
    n = next(_counter)
    s = Structure.objects.create(kind=kind, identifiant=f"S{n}", nom=nom, commune_id=siege)
    StructureCommune.objects.bulk_create(
        StructureCommune(structure=s, commune_id=c) for c in communes
    )
    return s


def indicator(code, values: dict[str, tuple[float, float | None]], annee=2024, **kwargs):
    definition, _ = IndicatorDefinition.objects.update_or_create(
        code=code,
        defaults=dict(
            libelle=kwargs.pop("libelle", code),
            unite=kwargs.pop("unite", "%"),
            facteur=kwargs.pop("facteur", 100.0),
            numerateur=kwargs.pop("numerateur", "numérateur"),
            denominateur=kwargs.pop("denominateur", "dénominateur"),
            source=kwargs.pop("source", "CNAM, test"),
            millesime=kwargs.pop("millesime", str(annee)),
            **kwargs,
        ),
    )
    IndicatorValue.objects.bulk_create(
        IndicatorValue(
            indicator=definition, commune_id=c, annee=annee, numerateur=n, denominateur=d
        )
        for c, (n, d) in values.items()
    )
    return definition
