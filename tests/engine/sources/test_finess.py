"""FINESS parser: the three layouts on real samples, INSEE codes, coordinates, defects."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from maillage.engine.sources import finess
from maillage.engine.sources.errors import SourceError

from .generated import (
    FLEYRIAT_GEOLOC,
    FLEYRIAT_STRUCTURE,
    geoloc_line,
    structure_line,
    write_raw_finess,
)

SHARED = Path(__file__).resolve().parents[3] / ".." / "shared" / "data"
SAMPLES = SHARED / "samples" / "finess"
REEXPOSED = SAMPLES / "finess_etablissements_reexposition_sample_2026-05.csv"
RAW_GEOLOC = SAMPLES / "etalab-cs1100507-geoloc_ASSEMBLED_fixture.csv"
RAW_STOCK = SAMPLES / "etalab-cs1100502-stock-20260512-0339_excerpt.csv"
T_FINESS = SAMPLES / "t-finess_etalab_small_20201231.csv"


def by_finess(path, **options) -> dict[str, finess.Establishment]:
    return {e.finess: e for e in finess.iter_establishments(path, **options)}


# --------------------------------------------------------------------------- real samples


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


def test_raw_stock_excerpt_with_quotes(shared_data):
    records = by_finess(RAW_STOCK)
    assert len(records) == 8
    lieu = records["980501506"]
    assert lieu.nom == 'LIEU DE VIE "MAVOUNA MEMA 1"'
    assert lieu.nom_long == 'LIEU DE VIE ET D\'ACCUEIL "MAVOUNA MEMA 1"'
    assert lieu.code_insee == "97606" and lieu.complement_nom == "ASSOCIATION MESSO"
    assert records["970102018"].code_insee == "97123"  # Saint-Barthélemy
    assert records["970102018"].classe == "pmi"
    assert records["970400024"].code_insee == "97411"  # Saint-Denis
    assert records["970302287"].code_insee == "97302" and records["970302287"].classe == "ehpad"
    assert all(record.lon is None for record in records.values())


def test_t_finess_layout(shared_data):
    report = finess.FinessReport()
    records = by_finess(T_FINESS, report=report)
    assert report.layout == "t-finess" and len(records) == 100 and report.geolocated == 100
    fleyriat = records["010000024"]
    assert fleyriat.code_insee == "01451" and fleyriat.crs == "EPSG:2154"  # LAMBERT_93 token
    # The 2020 geocode differs from the 2026 one by about 50 m.
    assert fleyriat.lon == pytest.approx(5.2086, abs=2e-3)
    assert fleyriat.lat == pytest.approx(46.2227, abs=2e-3)
    classes = {record.categorie: record.classe for record in records.values()}
    assert classes["109"] == "ssr" and classes["156"] == "cmp" and classes["611"] == "laboratoire"
    assert classes["620"] == "pharmacie" and classes["354"] == "ssiad"
    assert classes["202"] == "autre"


# --------------------------------------------------------------------------- INSEE codes


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


# --------------------------------------------------------------------------- coordinates


def test_crs_of_source():
    assert finess.crs_of_source("1,ATLASANTE,96,BAN,EPSG:2154 RGF93 / Lambert-93") == "EPSG:2154"
    assert finess.crs_of_source("2,ATLASANTE,90,BAN,WGS84/UTM zone 21N (St-Pierre)") == (
        "EPSG:32621"
    )
    assert finess.crs_of_source("4,ATLASANTE,.,MAPS,WGS84/UTM zone 1S (Wallis)") == "EPSG:32701"
    assert finess.crs_of_source("1,ATLASANTE,100,IGN,BD_ADRESSE,V2.2,LAMBERT_93") == "EPSG:2154"
    for source in ("", "1,ATLASANTE,96,BAN", "1,ATLASANTE,96,BAN,LAMBERT II", "x,EPSG:999999"):
        assert finess.crs_of_source(source) is None, source


def test_transformers_are_cached():
    assert finess.transformer_for("EPSG:2154") is finess.transformer_for("EPSG:2154")


def test_unknown_crs_leaves_coordinates_empty_with_a_warning(tmp_path):
    path = write_raw_finess(
        tmp_path / "f.csv",
        [FLEYRIAT_STRUCTURE, structure_line("010000081")],
        [FLEYRIAT_GEOLOC, geoloc_line("010000081", source="1,ATLASANTE,96,BAN")],
    )
    report = finess.FinessReport()
    records = by_finess(path, report=report)
    assert records["010000024"].lon == pytest.approx(5.20918, abs=1e-4)
    assert records["010000081"].lon is None and records["010000081"].x == 870262.2
    (warning,) = report.warnings
    assert warning.line == 5 and warning.column == "sourcecoordet"
    assert "système de coordonnées absent ou inconnu" in str(warning)
    with pytest.raises(SourceError, match="système de coordonnées") as caught:
        finess.read_establishments(path, on_unknown_crs="raise")
    assert caught.value.line == 5


# --------------------------------------------------------------------------- defects


def test_duplicate_identifier_names_both_lines(tmp_path):
    path = write_raw_finess(
        tmp_path / "f.csv", [FLEYRIAT_STRUCTURE, structure_line("010000081"), FLEYRIAT_STRUCTURE]
    )
    with pytest.raises(SourceError, match="010000024 en double \\(déjà vu ligne 2\\)") as caught:
        finess.read_establishments(path)
    assert caught.value.line == 4


def test_duplicate_geolocation(tmp_path):
    path = write_raw_finess(tmp_path / "f.csv", [FLEYRIAT_STRUCTURE], [FLEYRIAT_GEOLOC] * 2)
    with pytest.raises(SourceError, match="déjà vue ligne 3") as caught:
        finess.read_establishments(path)
    assert caught.value.line == 4


def test_duplicate_in_reexposed_layout(tmp_path, shared_data):
    lines = REEXPOSED.read_text(encoding="utf-8").splitlines()
    path = tmp_path / "f.csv"
    path.write_text("\n".join([*lines, lines[1]]) + "\n", encoding="utf-8")
    with pytest.raises(SourceError, match="déjà vu ligne 2") as caught:
        finess.read_establishments(path)
    assert caught.value.line == 19


def test_truncated_line(tmp_path):
    path = write_raw_finess(tmp_path / "f.csv", [FLEYRIAT_STRUCTURE, FLEYRIAT_STRUCTURE[:120]])
    with pytest.raises(SourceError, match="nombre de champs incorrect") as caught:
        finess.read_establishments(path)
    assert caught.value.line == 3


def test_windows_1252_raw_file(tmp_path):
    path = write_raw_finess(
        tmp_path / "f.csv", [FLEYRIAT_STRUCTURE], [FLEYRIAT_GEOLOC], encoding="cp1252"
    )
    report = finess.FinessReport()
    (record,) = finess.read_establishments(path, report=report)
    assert report.encoding == "cp1252"
    assert record.categorie_libelle == "Centre Hospitalier (C.H.)"
    assert (
        record
        == finess.read_establishments(
            write_raw_finess(tmp_path / "u.csv", [FLEYRIAT_STRUCTURE], [FLEYRIAT_GEOLOC])
        )[0]
    )


@pytest.mark.parametrize("bad_line", [1000, 3500])
def test_bad_byte_in_a_utf8_file_names_its_line(tmp_path, bad_line):
    structures = [structure_line(f"01{n:07d}") for n in range(4000)]
    structures[bad_line] = structures[bad_line].replace("AIN", "A\udcffN")
    path = tmp_path / "f.csv"
    text = "\n".join(["finess;etalab;4000;2026-05-12", *structures]) + "\n"
    path.write_bytes(text.encode("utf-8", errors="surrogateescape"))
    assert path.stat().st_size > 1 << 20
    with pytest.raises(SourceError, match="caractère illisible") as caught:
        finess.read_establishments(path)
    assert caught.value.line == bad_line + 2


def test_unknown_layout_and_record_type(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text("a;b;c\n1;2;3\n", encoding="utf-8")
    with pytest.raises(SourceError, match="format FINESS non reconnu"):
        finess.read_establishments(path)
    path = write_raw_finess(tmp_path / "g.csv", [FLEYRIAT_STRUCTURE, "structureej;1;2"])
    with pytest.raises(SourceError, match="type d'enregistrement inconnu") as caught:
        finess.read_establishments(path)
    assert caught.value.line == 3


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


def test_missing_column_in_reexposed_layout(tmp_path, shared_data):
    lines = REEXPOSED.read_text(encoding="utf-8").splitlines()
    path = tmp_path / "f.csv"
    path.write_text(lines[0].replace("categetab;", "categorie;", 1) + "\n", encoding="utf-8")
    with pytest.raises(SourceError, match="colonne obligatoire absente") as caught:
        finess.read_establishments(path)
    assert caught.value.column == "categetab"


# --------------------------------------------------------------------------- categories


def test_category_table():
    table = finess.load_category_table()
    assert table.classify("603") == "maison_sante"
    assert table.classify("124") == "centre_sante"
    assert table.classify("620") == "pharmacie"
    assert table.classify("500") == "ehpad"
    assert table.classify("355") == table.classify("101") == "hopital"
    assert table.classify("604") == "autre"
    assert table.labels["maison_sante"] == "Maison de santé pluriprofessionnelle"


def test_category_table_is_checked(tmp_path):
    path = tmp_path / "t.yaml"
    path.write_text(
        "classes:\n  - {code: a, libelle: A, categories: {'1': x}}\n"
        "  - {code: b, libelle: B, categories: {'1': y}}\n",
        encoding="utf-8",
    )
    with pytest.raises(SourceError, match="déjà classée"):
        finess.load_category_table(path)


def test_every_class_is_documented():
    docs = (Path(__file__).resolve().parents[3] / "docs" / "sources-offre.md").read_text(
        encoding="utf-8"
    )
    table = finess.load_category_table()
    for code, label in table.classes.items():
        categories = ", ".join(c for c, k in table.by_category.items() if k == code)
        assert f"| `{code}` | {label} | {categories} |" in docs
