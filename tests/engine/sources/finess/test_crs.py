"""Coordinate systems named in ``sourcecoordet`` and the conversion to WGS84."""

from __future__ import annotations

import pytest

from maillage.engine.sources import finess
from maillage.engine.sources.errors import SourceError

from ..generated import (
    FLEYRIAT_GEOLOC,
    FLEYRIAT_STRUCTURE,
    geoloc_line,
    structure_line,
    write_raw_finess,
)
from .samples import by_finess


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
