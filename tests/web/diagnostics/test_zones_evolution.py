"""Diagnosis of a study zone (TVS, bassin de vie) and the population evolution block."""

import json

import pytest
from click.testing import CliRunner
from django.urls import reverse

from maillage.cli import main
from maillage.web.accounts.models import User
from maillage.web.accounts.roles import Role, role_group
from maillage.web.diagnostics import services
from maillage.web.territories import demo
from maillage.web.territories.models import Commune, PopulationLegale, ZoneCommune

from . import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_zones(demo_territory):
    demo.load_demo()
    factories.professionals_in("00001", 12)


def members(zone="T01"):
    return sorted(
        ZoneCommune.objects.filter(zone__code=zone, zonage__code="tvs").values_list(
            "commune_id", flat=True
        )
    )


def without_name(result):
    result = dict(result, territoire=dict(result["territoire"]))
    result["territoire"].pop("nom")
    return result


def test_zone_diagnosis_equals_the_diagnosis_of_its_communes(demo_zones):
    codes, label = services.resolve(zone="tvs:T01")
    assert codes == members() and "TVS de" in label and "fictifs" in label
    by_zone = services.diagnose(codes, label=label)
    by_list = services.diagnose(members(), label="liste")
    assert by_zone["territoire"]["nom"] == label
    assert without_name(by_zone) == without_name(by_list)
    with pytest.raises(services.TerritoryError, match="zone inconnue"):
        services.resolve(zone="tvs:T99")
    with pytest.raises(services.TerritoryError, match="zonage inconnu"):
        services.resolve(zone="bv2022:T01")


def test_evolution_is_computed_from_summed_populations(demo_zones):
    codes = members("T02")
    result = services.diagnose(codes)
    info = result["evolution_population"]
    assert (info["annee_debut"], info["annee_fin"]) == (demo.OLD_YEAR, 2023)
    entries = {e["code"]: e for e in result["indicateurs"] if e["bloc"] == "evolution"}

    def total(year, **where):
        return sum(
            PopulationLegale.objects.filter(annee=year, **where).values_list(
                "population", flat=True
            )
        )

    p0, p1 = total(2017, commune_id__in=codes), total(2023, commune_id__in=codes)
    assert entries["evolution.population_debut"]["valeur"] == p0
    assert entries["evolution.absolue"]["valeur"] == p1 - p0
    assert entries["evolution.taux_annuel"]["valeur"] == pytest.approx(
        ((p1 / p0) ** (1 / 6) - 1) * 100
    )
    d0, d1 = total(2017), total(2023)
    assert entries["evolution.absolue"]["comparaisons"]["departement"] == d1 - d0


def test_evolution_hidden_with_a_single_vintage(demo_territory):
    result = services.diagnose(["00001", "00002"])
    assert result["evolution_population"] is None
    page = services.diagnose(["00001"])
    assert not [e for e in page["indicateurs"] if e["bloc"] == "evolution"]


def test_pages_api_and_exports_by_zone(client, demo_zones):
    index = client.get(reverse("diagnostics:index"), {"departement": "00"}).content.decode()
    assert 'name="zone"' in index and 'value="tvs@2024:T01"' in index
    assert "Territoires de vie-santé fictifs 2024" in index
    page = client.get(reverse("diagnostics:territory"), {"zone": "tvs:T01"})
    html = page.content.decode()
    assert page.status_code == 200 and "TVS de" in html
    assert 'data-table="evolution"' in html and "Évolution de la population 2017–2023" in html
    assert "export.csv?zone=tvs%3AT01" in html
    csv_text = client.get(reverse("diagnostics:export", args=["csv"]), {"zone": "tvs:T01"})
    assert "evolution.taux_annuel" in csv_text.content.decode("utf-8-sig")
    assert "TVS de" in csv_text.content.decode("utf-8-sig").splitlines()[0]
    bad = client.get(reverse("diagnostics:territory"), {"zone": "tvs:nope"}, follow=True)
    assert "zone inconnue" in bad.content.decode()
    api = client.get("/api/diagnostics/", {"zone": "tvs:T01"}).json()
    assert api["territoire"]["communes"] == members()
    posted = client.post(
        "/api/diagnostics/", {"zone": "tvs@2024:T01"}, content_type="application/json"
    ).json()
    assert posted["territoire"]["population"] == api["territoire"]["population"]
    assert client.get("/api/diagnostics/", {"zone": "x"}).status_code == 400
    zonings = client.get("/api/diagnostics/zonages", {"departement": "00"}).json()
    assert len(zonings[0]["zones"]) == demo.TVS_COUNT


@pytest.mark.parametrize("role", [None, *Role], ids=lambda r: getattr(r, "name", "anonyme"))
def test_zone_selection_is_public(client, demo_zones, role):
    if role is not None:
        user = User.objects.create_user(username=f"u-{role.name.lower()}", password="x" * 14)
        user.groups.add(role_group(role))
        client.force_login(user)
    assert client.get(reverse("diagnostics:territory"), {"zone": "tvs:T01"}).status_code == 200
    assert client.get("/api/diagnostics/zonages").status_code == 200
    assert client.get("/api/diagnostics/", {"zone": "tvs:T01"}).status_code == 200


def test_cli_by_zone(demo_zones, tmp_path):
    out = tmp_path / "d.json"
    result = CliRunner().invoke(main, ["diagnostic", "--zone", "tvs:T01", "--output", str(out)])
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text())
    assert data["territoire"]["communes"] == members() and "TVS de" in data["territoire"]["nom"]
    assert data["evolution_population"]["annee_debut"] == demo.OLD_YEAR
    result = CliRunner().invoke(main, ["diagnostic", "--zone", "tvs:T99"])
    assert result.exit_code == 1 and "zone inconnue" in result.output
    both = CliRunner().invoke(main, ["diagnostic", "--zone", "tvs:T01", "--communes", "00001"])
    assert both.exit_code == 2


def test_merged_communes_old_vintage_counts_for_the_new_commune(demo_zones):
    """An old vintage stored under the codes of communes merged since sums into today's."""
    old = Commune.objects.create(
        code="00999",
        nom="Ancienne",
        statut=Commune.Statut.FUSIONNEE,
        fusionnee_dans_id="00001",
        departement_id="00",
    )
    PopulationLegale.objects.create(commune=old, annee=2017, population=500)
    base = PopulationLegale.objects.get(commune_id="00001", annee=2017).population
    entry = next(
        e
        for e in services.diagnose(["00001"])["indicateurs"]
        if e["code"] == "evolution.population_debut"
    )
    assert entry["valeur"] == base + 500
