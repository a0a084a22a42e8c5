"""Display outlines: the GeoJSON read ring by ring is the one shapely's ``mapping`` gives."""

from __future__ import annotations

import json

import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import MultiPolygon, Polygon, box, mapping, shape

from maillage.engine import geometry
from maillage.engine.sources.geojson import iter_features

FILES = ("83-var/communes-83-var.geojson", "29-finistere/communes-29-finistere.geojson")


def through_mapping(shp) -> dict:
    """The display GeoJSON as it was built before: shapely's tuples, converted to lists."""
    return geometry._as_plain(mapping(shp))


def test_real_outlines_are_the_geojson_of_mapping(shared_data):
    kinds = set()
    for name in FILES:
        path = shared_data / "communes-geojson-2018" / "departements" / name
        for feature in iter_features(path):
            shp = shape(feature.value["geometry"])
            simplified = shapely.set_precision(
                shapely.simplify(shp, geometry.DISPLAY_TOLERANCE_DEG, preserve_topology=True),
                10**-geometry.DISPLAY_DECIMALS,
            )
            plain = geometry._plain_geojson(simplified)
            assert plain == through_mapping(simplified)
            assert json.loads(json.dumps(plain)) == plain
            kinds.add(simplified.geom_type)
    assert kinds == {"Polygon", "MultiPolygon"}  # islands of the Var and of the Finistère


_corner = st.tuples(st.floats(-5, 9, allow_nan=False), st.floats(41, 51, allow_nan=False))


@st.composite
def polygons(draw) -> Polygon:
    """A box with 0 to 2 holes, vertices anywhere in metropolitan France's bounding box."""
    x, y = draw(_corner)
    width, height = draw(st.floats(0.01, 1)), draw(st.floats(0.01, 1))
    holes = []
    for number in range(draw(st.integers(0, 2))):
        left = x + width * (0.1 + 0.45 * number)
        holes.append(box(left, y + height * 0.2, left + width * 0.3, y + height * 0.6))
    return Polygon(
        box(x, y, x + width, y + height).exterior.coords,
        [hole.exterior.coords for hole in holes],
    )


@settings(max_examples=60, deadline=None)
@given(st.lists(polygons(), min_size=1, max_size=3))
def test_any_polygon_or_multipolygon_reads_as_mapping(parts):
    shp = parts[0] if len(parts) == 1 else MultiPolygon(parts)
    assert geometry._plain_geojson(shp) == through_mapping(shp)
    if shp.is_valid:  # overlapping parts make an invalid MultiPolygon, refused by GEOS
        display = geometry.simplify_for_display(shp)
        assert display == through_mapping(shape(display))


def test_empty_and_other_geometries_go_through_mapping():
    for shp in (Polygon(), MultiPolygon(), shapely.Point(5.9, 43.1)):
        assert geometry._plain_geojson(shp) == through_mapping(shp)
