"""A fictitious département: ~150 communes tiling an island off the Atlantic coast.

Everything is drawn from a seeded generator, so two runs give the same territory: commune
names built from syllables, a few towns and many villages with log-normal populations, age
structures that age with rurality, and Voronoi cells clipped to the island outline so that
the communes tile the area without gaps or overlaps. It sits in the sea (around 7° W) so that
it can never be mistaken for a real place.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import shapely
from shapely.geometry import MultiPoint, Point, Polygon, mapping

from maillage.engine.geometry import geodesic_area_km2, simplify_for_display

REGION = ("00", "Région de démonstration")
DEPARTEMENT = ("00", "Territoire de démonstration — données fictives")
AGE_BANDS = ("0014", "1529", "3044", "4559", "6074", "7589", "90P")
POPULATION_YEAR = 2023

# Roots with their grammatical gender, so that articles and saints agree ("La Bastide",
# "Saint-Orliac", "L'Escal").
_ROOTS = (
    ("Aurel", "m"),
    ("Belcastel", "m"),
    ("Corbière", "f"),
    ("Dampierre", "f"),
    ("Escal", "m"),
    ("Fontvieille", "f"),
    ("Garrigue", "f"),
    ("Hautmont", "m"),
    ("Issart", "m"),
    ("Jonquière", "f"),
    ("Lavergne", "f"),
    ("Malause", "f"),
    ("Noailhac", "m"),
    ("Orliac", "m"),
    ("Peyrolles", "f"),
    ("Queyras", "m"),
    ("Roquemaure", "f"),
    ("Sarrance", "f"),
    ("Taillan", "m"),
    ("Uzeste", "f"),
    ("Valcros", "m"),
    ("Villemade", "f"),
    ("Bastide", "f"),
    ("Cazals", "m"),
    ("Lunel", "m"),
    ("Mirabel", "m"),
    ("Pradelle", "f"),
    ("Salvetat", "f"),
    ("Tournon", "m"),
    ("Varenne", "f"),
    ("Brassac", "m"),
    ("Cassagne", "f"),
    ("Montfort", "m"),
    ("Rivière", "f"),
    ("Saulce", "f"),
)
_PREFIXES = {"m": ("", "", "", "Saint-", "Le "), "f": ("", "", "", "Sainte-", "La ")}
_SUFFIXES = (
    "",
    "",
    "",
    "-sur-Lune",
    "-les-Bains",
    "-en-Brande",
    "-le-Haut",
    "-la-Forêt",
    "-d'Ambre",
    "-sur-Mer",
    "-des-Landes",
    "-le-Vieux",
)
_EPCI_NAMES = (
    "CA du Pays d'Aurel",
    "CC des Hautes Landes",
    "CC de la Côte d'Ambre",
    "CC du Val de Lune",
    "CC des Collines",
    "CC de la Presqu'île",
)


@dataclass
class DemoCommune:
    code: str
    nom: str
    population: int
    ages: dict[str, float]
    centre: tuple[float, float]
    contour: dict
    surface_km2: float
    bbox: tuple[float, float, float, float]
    epci: str
    codes_postaux: list[str] = field(default_factory=list)
    chef_lieu_rank: int = 0  # 1 préfecture, 2 sous-préfecture, 3 bourg-centre, 0 village


@dataclass
class DemoTerritory:
    region: tuple[str, str]
    departement: tuple[str, str]
    epcis: dict[str, str]  # siren -> name
    communes: list[DemoCommune]
    outline: dict


def island_outline(
    rng: np.random.Generator, centre=(-7.2, 45.9), radius_km=(62.0, 45.0)
) -> Polygon:
    """An irregular ellipse of about 8 000 km² (a mid-sized département)."""
    angles = np.linspace(0, 2 * math.pi, 96, endpoint=False)
    wobble = 1 + 0.08 * np.sin(3 * angles + 0.7) + 0.05 * np.sin(7 * angles + 1.9)
    wobble *= 1 + 0.03 * rng.standard_normal(angles.size)
    km_per_deg_lat = 111.2
    km_per_deg_lon = 111.2 * math.cos(math.radians(centre[1]))
    xs = centre[0] + radius_km[0] * wobble * np.cos(angles) / km_per_deg_lon
    ys = centre[1] + radius_km[1] * wobble * np.sin(angles) / km_per_deg_lat
    return shapely.make_valid(Polygon(np.column_stack([xs, ys])))


def _names(rng: np.random.Generator, count: int) -> list[str]:
    names: list[str] = []
    seen: set[str] = set()
    while len(names) < count:
        root, gender = _ROOTS[rng.integers(len(_ROOTS))]
        prefix = _PREFIXES[gender][rng.integers(len(_PREFIXES[gender]))]
        if prefix in ("Le ", "La ") and root[0] in "AEIOUÉ":
            prefix = "L'"
        name = f"{prefix}{root}{_SUFFIXES[rng.integers(len(_SUFFIXES))]}"
        if name not in seen:
            seen.add(name)
            names.append(name)
    return names


def _seed_points(rng: np.random.Generator, outline: Polygon, count: int, min_km: float):
    minx, miny, maxx, maxy = outline.bounds
    km_lon = 111.2 * math.cos(math.radians((miny + maxy) / 2))
    points: list[tuple[float, float]] = []
    attempts = 0
    while len(points) < count and attempts < 200_000:
        attempts += 1
        x, y = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        if not outline.contains(Point(x, y)):
            continue
        if any(math.hypot((x - px) * km_lon, (y - py) * 111.2) < min_km for px, py in points):
            continue
        points.append((x, y))
    return points


def _age_structure(rng: np.random.Generator, population: int, urban: float) -> dict[str, float]:
    """Shares by band: towns are younger, villages older (urban in 0..1)."""
    young = np.array([0.18, 0.19, 0.20, 0.19, 0.15, 0.08, 0.01])
    old = np.array([0.14, 0.11, 0.14, 0.21, 0.24, 0.13, 0.03])
    shares = urban * young + (1 - urban) * old
    shares *= np.exp(0.08 * rng.standard_normal(shares.size))
    shares /= shares.sum()
    values = np.round(shares * population, 1)
    values[-1] = round(population - values[:-1].sum(), 1)  # bands add up to the population
    values = np.maximum(values, 0)
    return dict(zip(AGE_BANDS, (float(v) for v in values), strict=True))


def generate(seed: int = 2026, communes: int = 150) -> DemoTerritory:
    rng = np.random.default_rng(seed)
    outline = island_outline(rng)
    seeds = _seed_points(rng, outline, communes, min_km=4.0)
    cells = shapely.voronoi_polygons(MultiPoint(seeds), extend_to=outline)
    cell_of = {}
    for cell in shapely.get_parts(cells):
        for index, (x, y) in enumerate(seeds):
            if index not in cell_of and cell.contains(Point(x, y)):
                cell_of[index] = cell.intersection(outline)
                break
    # Towns: the préfecture near the middle, sub-prefectures and bourgs spread out.
    centre = outline.centroid
    order = sorted(range(len(seeds)), key=lambda i: Point(seeds[i]).distance(centre))
    ranks = {order[0]: 1}
    for index in order[len(order) // 3 :: max(1, len(order) // 5)][:2]:
        ranks[index] = 2
    for index in order[len(order) // 6 :: max(1, len(order) // 9)]:
        ranks.setdefault(index, 3)
    towns = [i for i, r in ranks.items() if r in (1, 2)] + [i for i, r in ranks.items() if r == 3]
    epci_centres = towns[: len(_EPCI_NAMES)]
    epcis = {f"2000000{n:02d}": name for n, name in enumerate(_EPCI_NAMES, start=1)}
    sirens = list(epcis)
    names = _names(rng, len(seeds))
    result = []
    for index, (x, y) in enumerate(seeds):
        rank = ranks.get(index, 0)
        if rank == 1:
            population = int(rng.integers(42_000, 48_000))
        elif rank == 2:
            population = int(rng.integers(12_000, 19_000))
        elif rank == 3:
            population = int(rng.integers(2_500, 6_000))
        else:
            population = int(np.clip(rng.lognormal(math.log(600), 0.8), 60, 2_400))
        urban = {1: 1.0, 2: 0.8, 3: 0.5}.get(rank, 0.15)
        cell = cell_of[index]
        nearest = min(
            range(len(epci_centres)),
            key=lambda k, x=x, y=y: math.hypot(
                x - seeds[epci_centres[k]][0], y - seeds[epci_centres[k]][1]
            ),
        )
        result.append(
            DemoCommune(
                code=f"00{index + 1:03d}",
                nom=names[index],
                population=population,
                ages=_age_structure(rng, population, urban),
                centre=(round(x, 5), round(y, 5)),
                contour=simplify_for_display(cell),
                surface_km2=round(geodesic_area_km2(cell), 4),
                bbox=tuple(cell.bounds),
                epci=sirens[nearest],
                codes_postaux=[f"00{(index // 10 + 1) * 10:03d}"],
                chef_lieu_rank=rank,
            )
        )
    return DemoTerritory(REGION, DEPARTEMENT, epcis, result, mapping(outline))
