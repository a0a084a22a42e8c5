import pytest
import shapely
from shapely.geometry import shape

from maillage.engine.demo.territory import generate


@pytest.fixture(scope="module")
def territory():
    return generate()


def test_is_deterministic(territory):
    again = generate()
    assert [(c.code, c.nom, c.population, c.contour) for c in again.communes] == [
        (c.code, c.nom, c.population, c.contour) for c in territory.communes
    ]


def test_size_and_towns(territory):
    assert len(territory.communes) == 150
    populations = sorted((c.population for c in territory.communes), reverse=True)
    assert 40_000 <= populations[0] <= 50_000
    assert 150_000 <= sum(populations) <= 320_000
    assert len({c.nom for c in territory.communes}) == 150


def test_outlines_tile_the_island(territory):
    cells = [shape(c.contour) for c in territory.communes]
    island = shape(territory.outline)
    union = shapely.union_all(cells)
    assert union.symmetric_difference(island).area / island.area < 0.01
    overlap = sum(c.area for c in cells) - union.area
    assert overlap / island.area < 0.005
    assert all(
        cell.contains(shapely.Point(c.centre)) or cell.distance(shapely.Point(c.centre)) < 1e-3
        for cell, c in zip(cells, territory.communes, strict=True)
    )


def test_age_bands_add_up(territory):
    for commune in territory.communes:
        assert sum(commune.ages.values()) == pytest.approx(commune.population, abs=0.5)
        assert all(v >= 0 for v in commune.ages.values())
