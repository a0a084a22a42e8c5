"""Population of the territory over every loaded vintage, as a small SVG chart (page and PDF).

Legal populations are public (INSEE): no secrecy step applies. Each point sums the same
communes — those known at every vintage — so that a commune missing from one vintage does not
draw a fall that never happened.
"""

from __future__ import annotations

from collections import defaultdict

from django.utils.safestring import mark_safe

from maillage.web.territories.models import PopulationLegale

from .svg import evolution_chart


def population_points(codes: list[str]) -> tuple[list[tuple[int, int]], int]:
    """[(vintage, Σ population)] over the communes known at every vintage, and their number."""
    by_year: dict[int, dict[str, int]] = defaultdict(dict)
    rows = PopulationLegale.objects.filter(commune_id__in=codes).values_list(
        "annee", "commune_id", "population"
    )
    for year, code, population in rows:
        by_year[year][code] = population
    if len(by_year) < 2:
        return [], 0
    common = set.intersection(*(set(values) for values in by_year.values()))
    if not common:
        return [], 0
    points = [(year, sum(by_year[year][c] for c in common)) for year in sorted(by_year)]
    return points, len(common)


def population_chart(codes: list[str]) -> str:
    points, covered = population_points(codes)
    if len(points) < 2:
        return ""
    title = f"Population municipale du territoire par millésime ({covered} communes)"
    chart = evolution_chart(title, points, "hab.", chart_id="evolution-population", from_zero=False)
    return mark_safe(chart)  # noqa: S308
