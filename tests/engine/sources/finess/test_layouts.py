"""FINESS layouts: detection, encodings, malformed lines and headers."""

from __future__ import annotations

import pytest

from maillage.engine.sources import finess
from maillage.engine.sources.errors import SourceError

from ..generated import (
    FLEYRIAT_GEOLOC,
    FLEYRIAT_STRUCTURE,
    structure_line,
    write_raw_finess,
)
from .samples import RAW_STOCK, REEXPOSED, T_FINESS, by_finess


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


def test_duplicate_geolocation(tmp_path):
    path = write_raw_finess(tmp_path / "f.csv", [FLEYRIAT_STRUCTURE], [FLEYRIAT_GEOLOC] * 2)
    with pytest.raises(SourceError, match="déjà vue ligne 3") as caught:
        finess.read_establishments(path)
    assert caught.value.line == 4


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


def test_missing_column_in_reexposed_layout(tmp_path, shared_data):
    lines = REEXPOSED.read_text(encoding="utf-8").splitlines()
    path = tmp_path / "f.csv"
    path.write_text(lines[0].replace("categetab;", "categorie;", 1) + "\n", encoding="utf-8")
    with pytest.raises(SourceError, match="colonne obligatoire absente") as caught:
        finess.read_establishments(path)
    assert caught.value.column == "categetab"
