"""Diagnoses of real territories: the Var (83) from the shared open data."""

import datetime as dt

import pytest
from django.db.models import Sum

from maillage.web.diagnostics import services
from maillage.web.territories.models import Commune

from . import factories

pytestmark = pytest.mark.django_db

AT = dt.date(2026, 11, 24)


def var_codes():
    return list(
        Commune.objects.filter(departement_id="83", nature="COM", statut="actuelle").values_list(
            "code", flat=True
        )
    )


def test_var_population_is_the_sum_of_official_populations(var_referential):
    codes = var_codes()
    assert len(codes) == 153
    official = Commune.objects.filter(code__in=codes).aggregate(p=Sum("population"))["p"]
    result = services.diagnose(codes, AT)
    territory = result["territoire"]
    assert territory["population"] == official
    assert territory["nb_communes"] == 153
    surface = sum(Commune.objects.filter(code__in=codes).values_list("surface_km2", flat=True))
    assert territory["surface_km2"] == pytest.approx(surface, abs=0.01)
    assert territory["densite"] == pytest.approx(official / surface)
    # The Var is its own département: the comparison equals the territory.
    population = next(i for i in result["indicateurs"] if i["code"] == "population")
    assert population["comparaisons"]["departement"] == official
    assert result["niveaux"]["departement"]["code"] == "83"
    # More than 175 000 inhabitants: size 4 and its fonctionnement amount.
    assert territory["taille_cpts"] == 4
    assert territory["fonctionnement_cpts"]["montant"] == 90000.0


def test_density_of_each_commune_matches_its_surface(var_referential):
    for commune in Commune.objects.filter(
        departement_id="83", code__in=["83137", "83069", "83001"]
    ):
        result = services.diagnose([commune.code], AT)
        assert result["territoire"]["densite"] == pytest.approx(
            commune.population / commune.surface_km2
        )


def test_supply_counts_and_secret(var_referential):
    factories.professionals_in("83137", 12, annee_naissance=1950)
    factories.professionals_in("83137", 8, annee_naissance=1990, mode="S")
    factories.professionals_in("83069", 3, categorie="sage_femme")
    result = services.diagnose(["83137", "83069"], AT)
    by_code = {i["code"]: i for i in result["indicateurs"]}
    gp = by_code["offre.medecin_generaliste.effectif"]
    assert not gp["secret"] and abs(gp["valeur"] - 20) <= 2
    assert abs(by_code["offre.medecin_generaliste.liberaux"]["valeur"] - 12) <= 2
    sf = by_code["offre.sage_femme.effectif"]
    assert sf["secret"] and sf["valeur"] is None and sf["numerateur"] is None
    assert by_code["offre.sage_femme.densite"]["valeur"] is None
    share = by_code["offre.medecin_generaliste.part_60_plus"]["valeur"]
    assert 40 <= share <= 80
