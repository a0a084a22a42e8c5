"""Imports on real data: correct values, idempotent, atomic on every kind of bad input."""

import json

import pytest

from maillage.engine.sources.errors import SourceError
from maillage.engine.sources.points import read_points
from maillage.web.territories import importers
from maillage.web.territories.models import Commune, Departement, Epci, Region
from tests.conftest import ETALAB_DIR, GEOJSON_VAR, POINTS_ALL, POINTS_VAR

pytestmark = pytest.mark.django_db


def snapshot():
    return (
        list(Region.objects.order_by("code").values_list()),
        list(Departement.objects.order_by("code").values_list()),
        list(Epci.objects.order_by("siren").values_list()),
        list(Commune.objects.order_by("code").values_list()),
    )


@pytest.mark.slow
def test_national_import_then_points(shared_data):
    report = importers.import_etalab(ETALAB_DIR)
    assert report.counts["communes"]["créés"] == Commune.objects.count()
    current = Commune.objects.filter(nature="COM", statut="actuelle")
    assert current.count() == 34969
    assert Commune.objects.filter(nature="ARM").count() == 45
    assert Epci.objects.count() == 1255 and Departement.objects.count() == 109
    points = importers.import_points(POINTS_ALL)
    # 34 973 points, 3 PLM centres, and the communes created by mergers since COG 2024 that
    # receive the mean point of the communes they absorbed.
    updated = points.counts["communes"]["mis à jour"]
    assert updated > 34976
    without = set(current.filter(centre_lon__isnull=True).values_list("code", flat=True))
    # Left without a centre: only communes that the 2024 file does not place (3 rows without
    # coordinates, overseas collectivities, communes re-created since 2024).
    placed = {p.code for p in read_points(POINTS_ALL) if p.lat is not None}
    assert not without & placed
    assert len(without) < 120
    assert Commune.objects.get(code="75056").centre_lat == pytest.approx(48.86, abs=0.02)
    again = importers.import_points(POINTS_ALL)
    assert again.counts["communes"] == {
        "créés": 0,
        "mis à jour": 0,
        "inchangés": updated,
        "supprimés": 0,
    }


def test_var_referential_has_real_values(var_referential):
    toulon = Commune.objects.get(code="83137")
    assert toulon.nom == "Toulon" and toulon.population == 179116
    assert toulon.departement_id == "83" and toulon.region_id == "93"
    assert toulon.epci.nom.startswith("Métropole Toulon")
    assert (toulon.centre_lon, toulon.centre_lat) == pytest.approx((5.93344, 43.13636))
    assert toulon.surface_km2 == pytest.approx(42.8, rel=0.03)
    assert toulon.contour["type"] in ("Polygon", "MultiPolygon")
    var = Commune.objects.filter(departement="83", statut="actuelle", nature="COM")
    assert var.count() == 153
    assert all(c.contour for c in var)


def test_imports_are_idempotent(var_referential):
    before = snapshot()
    for report in (
        importers.import_etalab(ETALAB_DIR, departement="83"),
        importers.import_points(POINTS_VAR),
        importers.import_geojson([GEOJSON_VAR]),
    ):
        assert report.total("créés") == 0 and report.total("mis à jour") == 0
        assert report.total("inchangés") > 0
    assert snapshot() == before


def test_dry_run_writes_nothing(db, shared_data):
    report = importers.import_etalab(ETALAB_DIR, departement="83", dry_run=True)
    assert report.counts["communes"]["créés"] > 150
    assert Commune.objects.count() == 0 and Region.objects.count() == 0


def test_paris_centre_computed_from_arrondissements(db, shared_data):
    importers.import_etalab(ETALAB_DIR, departement="75")
    importers.import_points(shared_data / "communes-points" / "communes_2024_points_dep75.csv")
    paris = Commune.objects.get(code="75056")
    assert paris.centre_lon == pytest.approx(2.34, abs=0.03)
    assert paris.centre_lat == pytest.approx(48.86, abs=0.02)
    assert paris.arrondissements.count() == 20


def test_merged_communes_point_to_their_new_commune(db, shared_data):
    importers.import_etalab(ETALAB_DIR, departement="01")
    merged = Commune.objects.filter(statut="fusionnee")
    assert merged.exists()
    assert all(c.fusionnee_dans_id for c in merged)


def corrupt_line(source, target, line_number, replacement):
    lines = source.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[line_number - 1] = replacement
    target.write_text("".join(lines), encoding="utf-8")
    return target


def test_bad_points_file_changes_nothing(var_referential, tmp_path):
    before = snapshot()
    bad = corrupt_line(
        POINTS_VAR,
        tmp_path / "points.csv",
        100,
        "83137,COM,Toulon,83,93,quarante-trois,5.9,1,83000\n",
    )
    with pytest.raises(SourceError) as caught:
        importers.import_points(bad)
    assert caught.value.line == 100 and caught.value.column == "lat"
    assert snapshot() == before


def test_bad_geojson_changes_nothing(var_referential, tmp_path):
    data = json.loads(GEOJSON_VAR.read_text())
    data["features"][120]["geometry"] = {"type": "Polygon", "coordinates": [[["x", 1]]]}
    bad = tmp_path / "var.geojson"
    bad.write_text(json.dumps(data))
    before = snapshot()
    with pytest.raises(SourceError) as caught:
        importers.import_geojson([GEOJSON_VAR, bad])
    assert caught.value.column == "features[120].geometry"
    assert snapshot() == before


def test_bad_etalab_file_changes_nothing(var_referential, tmp_path):
    for name in ("regions.json", "departements.json", "epci.json"):
        (tmp_path / name).write_text(
            (ETALAB_DIR / name).read_text(encoding="utf-8"), encoding="utf-8"
        )
    communes = json.loads((ETALAB_DIR / "communes.json").read_text(encoding="utf-8"))
    var = [c for c in communes if c.get("departement") == "83"]
    var[0]["nom"] = "Renommée"  # would be an update…
    var[40]["population"] = "beaucoup"  # …but this record is bad
    (tmp_path / "communes.json").write_text(json.dumps(var), encoding="utf-8")
    before = snapshot()
    with pytest.raises(SourceError) as caught:
        importers.import_etalab(tmp_path)
    assert caught.value.column == "[40].population"
    assert snapshot() == before


def test_bad_population_files_change_nothing(var_referential, tmp_path):
    before = snapshot()
    bad = tmp_path / "donnees_communes.csv"
    bad.write_text(
        "CODREG;REG;CODDEP;CODARR;CODCAN;CODCOM;COM;PMUN;PCAP;PTOT\n"
        "93;PACA;83;2;99;137;Toulon;180000;3000;183000\n"
        "93;PACA;83;2;99;001;Les Adrets;2300;40\n"
    )
    with pytest.raises(SourceError) as caught:
        importers.import_legal_populations(bad, 2021)
    assert caught.value.line == 3
    header = "CODGEO;P21_POP;" + ";".join(
        f"P21_POP{b}" for b in ("0014", "1529", "3044", "4559", "6074", "7589", "90P")
    )
    ages = tmp_path / "ages.csv"
    ages.write_text(header + "\n83137;179000;1;2;3;4;5;6;7\n83001;2300;1;2;3;-4;5;6;7\n")
    with pytest.raises(SourceError) as caught:
        importers.import_age_populations(ages)
    assert caught.value.line == 3 and caught.value.column == "4559"
    cog_file = tmp_path / "cog.csv"
    cog_file.write_text(
        "TYPECOM,COM,REG,DEP,CTCD,ARR,TNCC,NCC,NCCENR,LIBELLE,CAN,COMPARENT\n"
        "COM,83137,93,83,,,0,TOULON,Toulon,Toulone,,\n"
        "COMX,83001,93,83,,,0,ADRETS,Adrets,Les Adrets,,\n"
    )
    with pytest.raises(SourceError) as caught:
        importers.import_cog(cog_file)
    assert caught.value.line == 3
    assert snapshot() == before


def test_population_imports_write_values(var_referential, tmp_path):
    populations = tmp_path / "donnees_communes.csv"
    populations.write_text(
        "CODREG;REG;CODDEP;CODARR;CODCAN;CODCOM;COM;PMUN;PCAP;PTOT\n"
        "93;PACA;83;2;99;137;Toulon;180452;3000;183452\n"
        "93;PACA;99;2;99;999;Ailleurs;1;0;1\n"
    )
    report = importers.import_legal_populations(populations, 2024)
    assert report.counts["communes"]["mis à jour"] == 1
    assert "99999" in report.warnings[0]
    toulon = Commune.objects.get(code="83137")
    assert (toulon.population, toulon.population_annee) == (180452, 2024)
    header = "CODGEO;P22_POP;" + ";".join(
        f"P22_POP{b}" for b in ("0014", "1529", "3044", "4559", "6074", "7589", "90P")
    )
    ages = tmp_path / "ages.csv"
    ages.write_text(header + "\n83137;180452;27000;36000;33000;32000;30000;19000;3452\n")
    importers.import_age_populations(ages)
    toulon.refresh_from_db()
    assert toulon.pop_ages_annee == 2022 and toulon.pop_90_plus == 3452


def test_cog_import_creates_and_links(db, tmp_path, shared_data):
    importers.import_etalab(ETALAB_DIR, departement="75")
    cog_file = tmp_path / "v_commune_2024.csv"
    cog_file.write_text(
        "TYPECOM,COM,REG,DEP,CTCD,ARR,TNCC,NCC,NCCENR,LIBELLE,CAN,COMPARENT\n"
        "COM,75056,11,75,75C,751,0,PARIS,Paris,Paris,7599,\n"
        "ARM,75113,11,75,75C,751,0,PARIS 13,Paris 13,Paris 13e Arrondissement,,75056\n"
    )
    report = importers.import_cog(cog_file)
    assert report.counts["communes"]["inchangés"] >= 1
    assert Commune.objects.get(code="75113").commune_parente_id == "75056"


def test_communes_merged_after_the_outline_vintage_get_the_union(db, shared_data):
    """The 2018 IGN outlines of Ardèche predate 4 mergers: the new communes get the union."""
    folder = shared_data / "communes-geojson-2018" / "departements" / "07-ardeche"
    importers.import_etalab(ETALAB_DIR, departement="07")
    importers.import_geojson([folder / "communes-07-ardeche.geojson"])
    current = Commune.objects.filter(departement="07", statut="actuelle", nature="COM")
    assert current.filter(contour__isnull=True).count() == 0
    merged = [c for c in current if c.anciennes.filter(contour__isnull=False).exists()]
    assert merged
    for commune in merged:
        parts = [commune.code, *commune.anciennes.values_list("code", flat=True)]
        part_surfaces = Commune.objects.filter(code__in=parts[1:]).values_list(
            "surface_km2", flat=True
        )
        assert commune.surface_km2 > max(part_surfaces)
