"""CPTS size of a diagnosed territory at the 40 000 / 80 000 / 175 000 boundaries.

Boundary rule from the dated parameter ``aci.cpts.tailles.regle_bornes`` (non vérifié, lower
bound included): a population equal to a threshold belongs to the larger size."""

import datetime as dt

import pytest

from maillage.web.diagnostics import services
from maillage.web.territories.models import Commune, Departement, Region

pytestmark = pytest.mark.django_db
AT = dt.date(2026, 11, 24)


@pytest.mark.parametrize(
    ("population", "size", "amount"),
    [
        (39_999, 1, 50_000),
        (40_000, 2, 60_000),
        (79_999, 2, 60_000),
        (80_000, 3, 75_000),
        (174_999, 3, 75_000),
        (175_000, 4, 90_000),
    ],
)
def test_cpts_size_boundaries(db, population, size, amount):
    region = Region.objects.create(code="99", nom="Test")
    dep = Departement.objects.create(code="99", nom="Test", region=region)
    # Two communes whose populations add up to the boundary value: the size is that of the sum.
    Commune.objects.create(
        code="99001",
        nom="A",
        departement=dep,
        region=region,
        population=population - 1000,
        surface_km2=10,
    )
    Commune.objects.create(
        code="99002", nom="B", departement=dep, region=region, population=1000, surface_km2=10
    )
    result = services.diagnose(["99001", "99002"], AT)
    t = result["territoire"]
    assert t["population"] == population
    assert t["taille_cpts"] == size
    assert t["fonctionnement_cpts"]["montant"] == amount
    names = {p["nom"]: p["statut"] for p in t["fonctionnement_cpts"]["parametres"]}
    assert names["aci.cpts.tailles.regle_bornes"] == "non_verifie"
    assert names["aci.cpts.tailles.seuils"] == "verifie"
