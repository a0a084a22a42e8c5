import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_home_lists_the_referential(client, var_referential):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "153" in html and "Var" in html


def test_search_by_name_and_postcode(client, var_referential):
    html = client.get(reverse("home"), {"q": "Toulon"}).content.decode()
    assert "/communes/83137/" in html
    html = client.get(reverse("home"), {"q": "83100"}).content.decode()
    assert "/communes/83137/" in html


def test_commune_page_shows_figures_map_and_neighbours(client, var_referential):
    response = client.get(reverse("territories:commune", args=["83137"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "179" in html and "Toulon" in html
    assert 'id="carte-donnees"' in html and "leaflet/leaflet.js" in html
    for neighbour in ("La Garde", "La Valette-du-Var", "Le Revest-les-Eaux", "Ollioules"):
        assert neighbour in html
    assert "https://" not in html.split("<footer")[0].replace("https://www.w3.org", "")


def test_unknown_commune_is_404(client, db):
    assert client.get(reverse("territories:commune", args=["99999"])).status_code == 404


def test_departement_page(client, var_referential):
    response = client.get(reverse("territories:departement", args=["83"]))
    assert response.status_code == 200
    assert "Toulon" in response.content.decode()


def test_api_commune(client, var_referential):
    data = client.get("/api/communes/83137").json()
    assert data == {
        "code": "83137",
        "nom": "Toulon",
        "departement": "83",
        "region": "93",
        "epci": "248300543",
        "population": 179116,
        "population_annee": 2023,
        "centre": pytest.approx([5.93344, 43.13636]),
        "contour": True,
    }
    assert client.get("/api/communes/99999").status_code == 404


def test_api_search(client, var_referential):
    data = client.get("/api/communes", {"q": "seyne"}).json()
    assert data[0]["code"] == "83126"


def test_openapi_schema_and_local_docs(client, db):
    schema = client.get("/api/openapi.json").json()
    assert "/api/communes/{code}" in schema["paths"]
    docs = client.get("/api/docs").content.decode()
    assert "cdn" not in docs.lower()
