"""Choosing a territory without typing codes, CPTS links that run the diagnosis, and a map
with context around the territory (issue 13, items 6, 7 and 8), on the real Var referential."""

from __future__ import annotations

import re

import pytest

from maillage.web.diagnostics import svg
from maillage.web.territories.models import Commune, Epci

from . import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def cpts(var_referential):
    return factories.structure("CPTS", "CPTS Toulon Ouest", ["83137", "83069", "83129"])


def test_a_cpts_link_runs_the_diagnosis_of_that_cpts(client, cpts):
    response = client.get("/diagnostic/", {"cpts": cpts.pk})
    assert response.status_code == 302
    assert response["Location"] == f"/diagnostic/territoire/?cpts={cpts.pk}"
    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert "CPTS Toulon Ouest" in html and 'data-figure="communes">3<' in html


def test_the_form_page_without_a_selection_stays_the_form(client, cpts):
    response = client.get("/diagnostic/", {"departement": "83"})
    assert response.status_code == 200


def test_epci_and_cpts_are_chosen_from_lists_of_names(client, cpts):
    html = client.get("/diagnostic/", {"departement": "83"}).content.decode()
    toulon = Epci.objects.get(communes__code="83137")
    epci_select = re.search(r'<select id="epci" name="epci"[^>]*>(.*?)</select>', html, re.S)
    assert epci_select, "l'EPCI se choisit dans une liste"
    assert f'<option value="{toulon.siren}">{toulon.nom} ({toulon.siren})</option>' in (
        epci_select.group(1).replace("&#x27;", "'")
    )
    in_var = Epci.objects.filter(communes__departement_id="83").distinct().count()
    assert epci_select.group(1).count("<option value=") == in_var + 1  # + « choisir »
    cpts_select = re.search(r'<select id="cpts" name="cpts"[^>]*>(.*?)</select>', html, re.S)
    assert f'<option value="{cpts.pk}">CPTS Toulon Ouest' in cpts_select.group(1)
    # The filter field is added by JavaScript; the plain list works without it.
    assert 'data-filter="Filtrer les EPCI (nom ou SIREN)"' in html


def test_the_map_shows_neighbouring_communes_and_names(var_referential):
    chosen = ["83137", "83069"]
    markup = svg.territory_map(chosen)
    territory = re.findall(r'<path data-role="territoire"[^>]*><title>([^<]*)</title>', markup)
    neighbours = re.findall(r'<path data-role="voisine"[^>]*><title>([^<]*)</title>', markup)
    assert len(territory) == 2 and "Toulon (83137)" in territory
    assert any("(83129)" in n for n in neighbours), "Six-Fours-les-Plages borde le territoire"
    assert not any("(83137)" in n or "(83069)" in n for n in neighbours)
    assert ">Toulon</text>" in markup and "Communes voisines" in markup
    # Neighbours are only those around: no commune of the far north of the Var.
    far = Commune.objects.filter(departement_id="83").order_by("-centre_lat").first()
    assert f"({far.code})" not in markup
