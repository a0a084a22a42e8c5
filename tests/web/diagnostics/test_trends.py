"""Population of the territory at each loaded vintage, drawn on the diagnosis page and in its
PDF (issue 13, item 8), from the real Var referential plus an older vintage."""

from __future__ import annotations

import pytest

from maillage.web.diagnostics import trends, views
from maillage.web.territories import importers
from maillage.web.territories.models import PopulationLegale

pytestmark = pytest.mark.django_db

HEADER = "CODREG;REG;CODDEP;CODARR;CODCAN;CODCOM;COM;PMUN;PCAP;PTOT\n"


@pytest.fixture
def vintage_2017(var_referential, tmp_path):
    # Toulon only: La Seyne (83126) has no 2017 figure and must not draw a fall.
    path = tmp_path / "donnees_communes_2017.csv"
    path.write_text(HEADER + "93;PACA;83;2;99;137;Toulon;167479;3000;1\n")
    importers.import_legal_populations(path, 2017)


def test_points_sum_the_communes_known_at_every_vintage(vintage_2017):
    points, covered = trends.population_points(["83137", "83126"])
    toulon_2023 = PopulationLegale.objects.get(commune_id="83137", annee=2023).population
    assert points == [(2017, 167479), (2023, toulon_2023)] and covered == 1


def test_a_single_vintage_draws_nothing(var_referential):
    assert trends.population_chart(["83137"]) == ""


def test_page_and_pdf_show_the_chart(client, vintage_2017):
    html = client.get("/diagnostic/territoire/", {"communes": "83137,83126"}).content.decode()
    assert 'aria-labelledby="evolution-population-titre"' in html
    assert "2017 : 167\u202f479" in html
    assert 'aria-labelledby="evolution-population-titre"' in views.pdf_html(["83137", "83126"])


def test_a_small_growth_is_visible_on_the_population_chart():
    from maillage.web.diagnostics.svg import evolution_chart

    flat = evolution_chart("p", [(2017, 15097), (2023, 15210)])
    fitted = evolution_chart("p", [(2017, 15097), (2023, 15210)], from_zero=False)

    def heights(svg):
        import re

        return [float(y) for y in re.findall(r'<circle cx="[^"]*" cy="([^"]*)"', svg)]

    assert abs(heights(flat)[0] - heights(flat)[1]) < 2
    assert abs(heights(fitted)[0] - heights(fitted)[1]) > 40
