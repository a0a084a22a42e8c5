"""Territory selection: the lasso (point in polygon) and « within N km / N minutes »."""

from types import SimpleNamespace

import numpy as np
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from pyproj import Geod

from maillage.engine.accessibility.traveltimes import crow_fly_times
from maillage.engine.indicators.selection import inside_polygon, within_km, within_minutes

from .helpers import tiny_snapshot

coordinate = st.floats(-1.0, 1.0, allow_nan=False)
points = st.lists(st.tuples(coordinate, coordinate), min_size=3, max_size=12, unique=True)


def centres(lon, lat, codes=None):
    codes = codes or [f"{i:05d}" for i in range(len(lon))]
    return SimpleNamespace(
        lon=np.asarray(lon, dtype=float),
        lat=np.asarray(lat, dtype=float),
        index={c: i for i, c in enumerate(codes)},
    )


def convex_ring(vertices):
    """Counter-clockwise convex hull (monotone chain) of the drawn points."""
    pts = sorted(set(vertices))

    def half(seq):
        out = []
        for p in seq:
            while len(out) >= 2 and _cross(out[-2], out[-1], p) <= 0:
                out.pop()
            out.append(p)
        return out[:-1]

    return half(pts) + half(reversed(pts))


def _cross(o, a, b):
    return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])


@settings(deadline=None, max_examples=150)
@given(points, arrays(np.float64, (40, 2), elements=st.floats(-1.2, 1.2)))
def test_lasso_selects_exactly_the_centres_strictly_inside_a_convex_polygon(vertices, xy):
    ring = convex_ring(vertices)
    assume(len(ring) >= 3)
    snap = centres(xy[:, 0], xy[:, 1])
    # Independent oracle: strictly on the inner side of every edge of a counter-clockwise ring.
    margins = np.array(
        [
            [_cross(ring[k], ring[(k + 1) % len(ring)], p) for k in range(len(ring))]
            for p in xy.tolist()
        ]
    )
    clearly_in = np.flatnonzero((margins > 1e-9).all(axis=1))
    clearly_out = np.flatnonzero((margins < -1e-9).any(axis=1))
    selected = set(inside_polygon(snap, ring).tolist())
    assert set(clearly_in.tolist()) <= selected
    assert not selected & set(clearly_out.tolist())
    # The orientation of the drawing does not matter.
    assert set(inside_polygon(snap, ring[::-1]).tolist()) == selected


def test_lasso_drawn_as_a_figure_of_eight_selects_both_loops_and_not_the_outside():
    # A bow tie crossing itself at (0, 0): one centre in each loop, one above the crossing.
    ring = [(-1.0, -1.0), (1.0, 1.0), (1.0, -1.0), (-1.0, 1.0)]
    snap = centres([-0.8, 0.8, 0.0, 5.0, np.nan], [0.0, 0.0, 0.5, 5.0, 0.0])
    assert inside_polygon(snap, ring).tolist() == [0, 1]
    assert inside_polygon(snap, ring[:2]).size == 0


def test_lasso_around_the_whole_tiny_territory_selects_every_commune():
    snap = tiny_snapshot()
    ring = [(1.9, 44.9), (3.1, 44.9), (3.1, 46.1), (1.9, 46.1)]
    assert inside_polygon(snap, ring).tolist() == list(range(snap.size))
    half = [(1.9, 44.9), (2.5, 44.9), (2.5, 46.1), (1.9, 46.1)]
    assert inside_polygon(snap, half).tolist() == np.flatnonzero(snap.lon < 2.5).tolist()


@settings(deadline=None, max_examples=60)
@given(
    arrays(np.float64, (30,), elements=st.floats(-4.0, 8.0)),
    arrays(np.float64, (30,), elements=st.floats(42.0, 51.0)),
    st.floats(1.0, 150.0),
)
def test_within_km_agrees_with_the_geodesic_distance_on_the_ellipsoid(lon, lat, km):
    snap = centres(lon, lat)
    selected = set(within_km(snap, "00000", km).tolist())
    _, _, metres = Geod(ellps="WGS84").inv(np.full(30, lon[0]), np.full(30, lat[0]), lon, lat)
    # The sphere is within 0.5 % of the ellipsoid at French latitudes.
    assert set(np.flatnonzero(metres / 1000 < km * 0.995).tolist()) <= selected
    assert selected <= set(np.flatnonzero(metres / 1000 <= km * 1.005).tolist())
    assert 0 in selected


@settings(deadline=None, max_examples=60)
@given(
    arrays(np.float64, (25,), elements=st.floats(5.5, 7.5)),
    arrays(np.float64, (25,), elements=st.floats(43.0, 44.5)),
    st.floats(5.0, 90.0),
    st.floats(1.0, 1.6),
    st.floats(30.0, 90.0),
)
def test_within_minutes_is_the_apl_crow_fly_catchment(lon, lat, minutes, detour, speed):
    # The diagnosis « within N minutes » and the APL crow-fly travel times share one distance:
    # the communes selected are those the APL pairs with the commune within N minutes.
    snap = centres(lon, lat)
    origins, destinations, times = crow_fly_times(lat, lon, minutes, detour, speed)
    apl = set(destinations[origins == 0].tolist())
    selected = set(within_minutes(snap, "00000", minutes, detour, speed).tolist())
    margin = np.abs(times[origins == 0] - minutes) < 1e-6
    assume(not margin.any())
    assert selected == apl
