"""Key figures over five years as a small SVG chart, on the page and in the PDF (issue 13,
item 8)."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from maillage.web.accounts.roles import Role
from maillage.web.diagnostics.svg import evolution_chart
from maillage.web.outreach.models import Contact
from maillage.web.reporting import evolution, exports
from maillage.web.reporting.services import key_figures
from tests.web.outreach.factories import make_user, professional

pytestmark = pytest.mark.django_db


@pytest.fixture
def contacts(demo_territory):
    p = professional()
    for year, count in ((2022, 2), (2024, 5)):
        for day in range(count):
            Contact.objects.create(
                professional=p,
                departement_id="00",
                canal="visite",
                date=dt.date(year, 3, 1 + day),
                equipe="DAM",
            )
    Contact.objects.create(
        professional=p, departement_id="00", canal="webinaire", date=dt.date(2024, 5, 1)
    )


def test_series_count_each_year_like_the_key_figure(contacts):
    rows = {row["cle"]: row for row in evolution.series("00", 2024)}
    assert rows["accompagnements"]["points"] == [
        (2020, 0),
        (2021, 0),
        (2022, 2),
        (2023, 0),
        (2024, 5),
    ]
    assert (
        rows["accompagnements"]["points"][-1][1]
        == (key_figures("00", 2024)["accompagnement"]["accompagnements"]["valeur"])
    )


def test_the_page_and_the_pdf_draw_the_chart(client, contacts):
    client.force_login(make_user(Role.AGENT_CPAM))
    html = client.get("/chiffres-cles/", {"departement": "00", "annee": 2024}).content.decode()
    chart = re.search(r'<svg[^>]*aria-labelledby="evolution-accompagnements-titre".*?</svg>', html)
    assert chart, "le graphique d'évolution des accompagnements est sur la page"
    assert "2022 : 2 ; 2023 : 0 ; 2024 : 5" in chart.group(0)
    # A figure that never changed (no contract in five years) draws no chart.
    assert 'aria-labelledby="evolution-contrats-titre"' not in html
    printed = exports.as_html(key_figures("00", 2024))
    assert 'aria-labelledby="evolution-accompagnements-titre"' in printed
    assert exports.as_pdf(key_figures("00", 2024)).startswith(b"%PDF")


def test_a_chart_needs_two_known_years():
    assert evolution_chart("x", [(2024, 3)]) == ""
    assert evolution_chart("x", [(2023, None), (2024, 3)]) == ""
    svg = evolution_chart("Versements", [(2023, 1500.5), (2024, None), (2025, 2000)], "€")
    assert "2024 : non disponible" in svg and svg.count("<circle") == 2
