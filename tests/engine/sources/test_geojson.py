import json

import pytest
from shapely.geometry import shape

from maillage.engine.sources.errors import SourceError
from maillage.engine.sources.geojson import read_commune_shapes
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
