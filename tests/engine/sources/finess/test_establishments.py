"""FINESS establishments: the three layouts on real samples, INSEE codes, defects."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from maillage.engine.sources import finess
from maillage.engine.sources.errors import SourceError

from ..generated import (
    FLEYRIAT_STRUCTURE,
    geoloc_line,
    structure_line,
    write_raw_finess,
)
from .samples import RAW_GEOLOC, REEXPOSED, by_finess


@pytest.mark.parametrize("path", [REEXPOSED, RAW_GEOLOC])
def test_fleyriat_coordinates(shared_data, path):
    fleyriat = by_finess(path)["010000024"]
    assert fleyriat.lon == pytest.approx(5.20918, abs=1e-4)
    assert fleyriat.lat == pytest.approx(46.22229, abs=1e-4)
    assert (fleyriat.x, fleyriat.y, fleyriat.crs) == (870262.2, 6571540.8, "EPSG:2154")
    assert fleyriat.code_insee == "01451"
    assert (fleyriat.nom, fleyriat.finess_ej) == ("CH DE FLEYRIAT", "010780054")
    assert fleyriat.nom_long == "CENTRE HOSPITALIER DE BOURG-EN-BRESSE FLEYRIAT"
    assert (fleyriat.categorie, fleyriat.classe) == ("355", "hopital")
    assert fleyriat.categorie_libelle == "Centre Hospitalier (C.H.)"
    assert (fleyriat.siret, fleyriat.code_postal) == ("26010004500012", "01440")
    assert (fleyriat.numero_voie, fleyriat.type_voie, fleyriat.voie) == ("900", "RTE", "DE PARIS")
    assert fleyriat.date_ouverture == date(1979, 2, 13)
    assert fleyriat.date_maj == date(2020, 2, 4)
    assert fleyriat.precision_geocodage == "1" and not fleyriat.geocodage_commune


def test_reexposed_and_raw_files_give_the_same_records(shared_data):
    report_a, report_b = finess.FinessReport(), finess.FinessReport()
    reexposed = finess.read_establishments(REEXPOSED, report=report_a)
    raw = finess.read_establishments(RAW_GEOLOC, report=report_b)
    assert len(reexposed) == 17
    assert reexposed == raw
    assert (report_a.layout, report_b.layout) == ("reexposition", "etalab")
    assert report_a.geolocated == report_b.geolocated == 16
    assert report_a.warnings == report_b.warnings == []


def test_overseas_codes_and_crs(shared_data):
    records = by_finess(REEXPOSED)
    expected = {
        "970103172": ("97127", "EPSG:5490", (-63.2, -62.9), (17.9, 18.2)),  # Saint-Martin
        "970300026": ("97302", "EPSG:2972", (-52.5, -52.2), (4.8, 5.0)),  # Cayenne
        "970402699": ("97409", "EPSG:2975", (55.2, 55.9), (-21.4, -20.8)),  # La Réunion
        "970500039": ("97502", "EPSG:32621", (-56.5, -56.0), (46.7, 47.2)),  # St-Pierre
        "980500060": ("97611", "EPSG:4471", (45.0, 45.3), (-13.0, -12.6)),  # Mamoudzou
        "980600027": ("98613", "EPSG:32701", (-176.3, -176.1), (-13.4, -13.2)),  # Wallis
    }
    for number, (insee, crs, (lon_min, lon_max), (lat_min, lat_max)) in expected.items():
        record = records[number]
        assert (record.code_insee, record.crs) == (insee, crs), number
        assert lon_min < record.lon < lon_max and lat_min < record.lat < lat_max, number


def test_commune_centre_geocodes(shared_data):
    records = by_finess(REEXPOSED)
    assert records["010003317"].geocodage_commune  # 4,ATLASANTE,.,ADMIN-EXPRESS-2023
    assert not records["980600027"].geocodage_commune  # precision 4 but MAPS geocoder
    assert sum(record.geocodage_commune for record in records.values()) == 1


def test_establishment_without_geolocation(shared_data):
    for path in (REEXPOSED, RAW_GEOLOC):
        record = by_finess(path)["010010155"]
        assert (record.lon, record.lat, record.x, record.crs) == (None, None, None, "")
        assert record.classe == "autre"
        assert record.categorie_libelle == "Service d'Activité de Jour"


def test_code_insee_examples():
    assert finess.code_insee("01", "451") == "01451"
    assert finess.code_insee("2A", "004") == "2A004"
    assert finess.code_insee("2b", "033") == "2B033"
    assert finess.code_insee("9A", "101") == "97101"
    assert finess.code_insee("9C", "302") == "97302"
    assert finess.code_insee("9D", "411") == "97411"
    assert finess.code_insee("9E", "502") == "97502"
    assert finess.code_insee("9F", "611") == "97611"
    assert finess.code_insee("9J", "613") == "98613"
    for departement, commune in (("20", "004"), ("9G", "101"), ("96", "001"), ("01", "45")):
        with pytest.raises(ValueError):
            finess.code_insee(departement, commune)


METRO = [f"{n:02d}" for n in range(1, 96) if n != 20] + ["2A", "2B"]


OVERSEAS = {"9A": "97", "9B": "97", "9C": "97", "9D": "97", "9E": "97", "9F": "97", "9J": "98"}


@given(st.sampled_from(METRO + list(OVERSEAS)), st.integers(0, 999))
def test_code_insee_on_every_departement(departement, commune):
    code = finess.code_insee(departement, f"{commune:03d}")
    assert len(code) == 5 and code.endswith(f"{commune:03d}")
    assert code[:2] == OVERSEAS.get(departement, departement)


def test_duplicate_identifier_names_both_lines(tmp_path):
    path = write_raw_finess(
        tmp_path / "f.csv", [FLEYRIAT_STRUCTURE, structure_line("010000081"), FLEYRIAT_STRUCTURE]
    )
    with pytest.raises(SourceError, match="010000024 en double \\(déjà vu ligne 2\\)") as caught:
        finess.read_establishments(path)
    assert caught.value.line == 4


def test_duplicate_in_reexposed_layout(tmp_path, shared_data):
    lines = REEXPOSED.read_text(encoding="utf-8").splitlines()
    path = tmp_path / "f.csv"
    path.write_text("\n".join([*lines, lines[1]]) + "\n", encoding="utf-8")
    with pytest.raises(SourceError, match="déjà vu ligne 2") as caught:
        finess.read_establishments(path)
    assert caught.value.line == 19


def test_bad_date_and_coordinate(tmp_path):
    path = write_raw_finess(tmp_path / "f.csv", [FLEYRIAT_STRUCTURE.replace("1979-02-13", "13/02")])
    with pytest.raises(SourceError, match="date invalide") as caught:
        finess.read_establishments(path)
    assert caught.value.column == "dateouv"
    path = write_raw_finess(
        tmp_path / "g.csv", [FLEYRIAT_STRUCTURE], [geoloc_line("010000024", x="abc")]
    )
    with pytest.raises(SourceError, match="coordonnée invalide"):
        finess.read_establishments(path)
