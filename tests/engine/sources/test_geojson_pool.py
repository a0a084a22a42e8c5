"""Outlines computed by a pool of processes: the same records, in the same order, as one process."""

from __future__ import annotations

import json
import pickle

import pytest

from maillage.engine.geometry import outline_from_geojson
from maillage.engine.sources.errors import SourceError
from maillage.engine.sources.geojson_pool import read_shape_records
from tests.conftest import GEOJSON_VAR

DEPARTEMENTS = GEOJSON_VAR.parents[1]


def files(shared_data):
    return [
        GEOJSON_VAR,
        DEPARTEMENTS / "75-paris" / "communes-75-paris.geojson",
        DEPARTEMENTS / "07-ardeche" / "communes-07-ardeche.geojson",
        shared_data / "samples" / "geoapi" / "geoapi-commune-75113-centre.geojson",
    ]


@pytest.mark.slow
def test_pool_and_shards_give_the_records_of_one_process(shared_data):
    paths = files(shared_data)
    alone = list(read_shape_records(paths, workers=1))
    assert len(alone) == 153 + 1 + 339 + 1
    pooled = list(read_shape_records(paths, workers=2, pool_min_bytes=0))
    sharded = list(read_shape_records(paths, workers=2, pool_min_bytes=0, shard_bytes=0))
    assert pooled == alone and sharded == alone
    assert [r.feature for r in alone[:3]] == [1, 2, 3] and alone[0].code == "83150"


def test_record_keeps_the_outline_of_the_shape(shared_data):
    document = json.loads(GEOJSON_VAR.read_text(encoding="utf-8"))
    toulon = next(f for f in document["features"] if f["properties"]["code"] == "83137")
    expected = outline_from_geojson(toulon["geometry"])
    (record,) = [r for r in read_shape_records([GEOJSON_VAR]) if r.code == "83137"]
    assert record.outline() == expected
    assert record.nom == "Toulon" and record.centre is None


@pytest.mark.slow
@pytest.mark.parametrize("shard_bytes", [None, 0])
def test_first_error_in_file_order_is_raised(tmp_path, shared_data, shard_bytes):
    document = json.loads(GEOJSON_VAR.read_text(encoding="utf-8"))
    document["features"][5]["properties"]["code"] = "Toulon"
    document["features"][8]["geometry"]["type"] = "LineString"
    bad = tmp_path / "var.geojson"
    bad.write_text(json.dumps(document), encoding="utf-8")
    records = []
    with pytest.raises(SourceError) as caught:
        for record in read_shape_records(
            [GEOJSON_VAR, bad], workers=2, pool_min_bytes=0, shard_bytes=shard_bytes
        ):
            records.append(record)
    assert caught.value.column == "features[5].properties.code"
    assert caught.value.path == bad
    assert len(records) == 153 + 5


def test_missing_file(tmp_path):
    with pytest.raises(SourceError, match="introuvable"):
        list(read_shape_records([tmp_path / "absent.geojson"]))


def test_source_errors_cross_process_boundaries():
    error = SourceError("f.geojson", "message", 3, "features[2]", "attendu", "lu")
    copy = pickle.loads(pickle.dumps(error))
    assert copy == error and str(copy) == str(error)
