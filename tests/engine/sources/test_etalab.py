import json

import pytest

from maillage.engine.sources import etalab
from maillage.engine.sources.errors import SourceError
from tests.conftest import ETALAB_DIR


@pytest.fixture(scope="module")
def communes(shared_data):
    return {
        c.code: c
        for c in etalab.read_communes(ETALAB_DIR / "communes.json")
        if c.type in ("COM", "ARM")
    }


def test_real_file_counts_and_values(communes):
    current = [c for c in communes.values() if c.type == "COM"]
    assert len(current) == 34969
    toulon = communes["83137"]
    assert (toulon.nom, toulon.departement, toulon.region) == ("Toulon", "83", "93")
    assert toulon.population == 179116
    assert toulon.codes_postaux == ("83000", "83100", "83200")
    paris13 = communes["75113"]
    assert paris13.type == "ARM" and paris13.parent == "75056"


def test_delegated_communes_point_to_their_chef_lieu(shared_data):
    delegated = [c for c in etalab.read_communes(ETALAB_DIR / "communes.json") if c.type == "COMD"]
    assert delegated and all(c.parent for c in delegated)


def test_epci_members(shared_data):
    epcis = list(etalab.read_epci(ETALAB_DIR / "epci.json"))
    assert len(epcis) == 1255
    toulon_metropole = next(e for e in epcis if "83137" in e.membres)
    assert toulon_metropole.siren == "248300543"


def test_departements_and_regions(shared_data):
    departements = {d.code: d for d in etalab.read_departements(ETALAB_DIR / "departements.json")}
    assert departements["83"].region == "93" and departements["2A"].nom == "Corse-du-Sud"
    regions = {r.code: r.nom for r in etalab.read_regions(ETALAB_DIR / "regions.json")}
    assert regions["93"] == "Provence-Alpes-Côte d'Azur"


@pytest.mark.parametrize(
    ("items", "column"),
    [
        (
            [{"code": "83137", "nom": "Toulon", "type": "commune-actuelle", "population": -3}],
            "[0].population",
        ),
        ([{"code": "8313", "nom": "X", "type": "commune-actuelle"}], "[0].code"),
        ([{"code": "83137", "type": "commune-actuelle"}], "[0].nom"),
        ([{"code": "83137", "nom": "X", "type": "ville"}], "[0].type"),
        (
            [{"code": "75113", "nom": "Paris 13e", "type": "arrondissement-municipal"}],
            "[0].commune",
        ),
    ],
)
def test_malformed_records_name_the_field(tmp_path, items, column):
    path = tmp_path / "communes.json"
    path.write_text(json.dumps(items), encoding="utf-8")
    with pytest.raises(SourceError) as caught:
        list(etalab.read_communes(path))
    assert caught.value.column == column
    assert str(path) in str(caught.value)


def test_broken_json_gives_line_and_column(tmp_path):
    path = tmp_path / "communes.json"
    path.write_text('[\n{"code": "83137",\n "nom": }\n]', encoding="utf-8")
    with pytest.raises(SourceError) as caught:
        list(etalab.read_communes(path))
    assert caught.value.line == 3
    assert "JSON invalide" in str(caught.value)


def test_missing_file_in_directory(tmp_path):
    (tmp_path / "regions.json").write_text("[]")
    with pytest.raises(SourceError, match="fichier manquant"):
        etalab.check_directory(tmp_path)
