import json

import pytest
from shapely.geometry import shape

from maillage.engine.sources.errors import SourceError
from maillage.engine.sources.geojson import iter_features, read_commune_shapes
from tests.conftest import GEOJSON_VAR


def test_var_outlines(shared_data):
    shapes = {s.code: s for s in read_commune_shapes(GEOJSON_VAR)}
    assert len(shapes) == 153
    toulon = shapes["83137"].outline
    # Toulon covers 42.84 km² (INSEE); the 2018 simplified IGN outline gives about the same.
    assert toulon.surface_km2 == pytest.approx(42.8, rel=0.03)
    assert 5.87 < toulon.centroid[0] < 5.99 and 43.09 < toulon.centroid[1] < 43.18
    simplified = shape(toulon.geometry)
    assert simplified.is_valid and simplified.area > 0


def test_geo_api_replies(shared_data):
    folder = shared_data / "samples" / "geoapi"
    (centre,) = read_commune_shapes(folder / "geoapi-commune-75113-centre.geojson")
    assert centre.code == "75113" and centre.centre == pytest.approx((2.3656, 48.8303))
    (contour,) = read_commune_shapes(folder / "geoapi-commune-75113-contour.geojson")
    assert contour.outline.surface_km2 == pytest.approx(7.15, rel=0.05)


@pytest.mark.parametrize(
    ("document", "column"),
    [
        (
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"nom": "X"},
                        "geometry": {"type": "Point", "coordinates": [5, 43]},
                    }
                ],
            },
            "features[0].properties.code",
        ),
        (
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"code": "83137"},
                        "geometry": {"type": "LineString", "coordinates": [[5, 43], [6, 44]]},
                    }
                ],
            },
            "features[0].geometry.type",
        ),
        (
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"code": "83137"},
                        "geometry": {"type": "Point", "coordinates": [543, 43]},
                    }
                ],
            },
            "features[0].geometry",
        ),
        ({"type": "Topology"}, "type"),
    ],
)
def test_defects(tmp_path, document, column):
    path = tmp_path / "x.geojson"
    path.write_text(json.dumps(document))
    with pytest.raises(SourceError) as caught:
        list(read_commune_shapes(path))
    assert caught.value.column == column


def test_deeply_nested_brackets_are_a_located_error(tmp_path):
    # Issue 11 item 9: json.load raised RecursionError, a traceback for the user.
    path = tmp_path / "profond.geojson"
    feature = '{"type": "Feature", "properties": {"code": "83137"}, "geometry": '
    path.write_text(
        '{"type": "FeatureCollection",\n"features": [\n'
        + feature
        + '{"type": "Polygon", "coordinates": '
        + "[" * 50_000
        + "]" * 50_000
        + "}}]}",
        encoding="utf-8",
    )
    with pytest.raises(SourceError) as caught:
        list(read_commune_shapes(path))
    error = caught.value
    assert "imbrication trop profonde" in str(error) and str(path) in str(error)
    assert error.line == 3 and error.column.startswith("caractère ")


@pytest.mark.parametrize("depth", [20, 600])
def test_nesting_the_decoder_accepts_is_an_invalid_geometry(tmp_path, depth):
    path = tmp_path / "imbrique.geojson"
    coordinates = "[" * depth + "5, 43" + "]" * depth
    path.write_text(
        '{"type": "FeatureCollection", "features": [{"type": "Feature", '
        '"properties": {"code": "83137"}, '
        f'"geometry": {{"type": "Polygon", "coordinates": {coordinates}}}}}]}}',
        encoding="utf-8",
    )
    with pytest.raises(SourceError) as caught:
        list(read_commune_shapes(path))
    assert caught.value.column == "features[0].geometry"
    assert caught.value.line == 1


def test_features_are_streamed_with_their_position(tmp_path):
    features = [
        {"type": "Feature", "properties": {"code": code}, "geometry": {"type": "Point",
         "coordinates": [5.9, 43.1]}}
        for code in ("83137", "83050", "83023")
    ]  # fmt: skip
    path = tmp_path / "points.geojson"
    path.write_text(
        '{"type": "FeatureCollection", "name": "x", "features": [\n'
        + ",\n".join(json.dumps(f) for f in features)
        + "\n]}",
        encoding="utf-8",
    )
    read = list(iter_features(path))
    assert [(f.number, f.line, f.column) for f in read] == [(1, 2, 1), (2, 3, 1), (3, 4, 1)]
    assert [f.value for f in read] == features


def test_members_after_the_features_are_checked(tmp_path):
    path = tmp_path / "x.geojson"
    path.write_text('{"features": [], "type": "Topology"}', encoding="utf-8")
    with pytest.raises(SourceError, match="ce n'est pas du GeoJSON"):
        list(read_commune_shapes(path))
    path.write_text('{"type": "FeatureCollection", "features": {}}', encoding="utf-8")
    with pytest.raises(SourceError, match="liste « features » absente"):
        list(read_commune_shapes(path))
    path.write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(SourceError, match="ce n'est pas du GeoJSON"):
        list(read_commune_shapes(path))
