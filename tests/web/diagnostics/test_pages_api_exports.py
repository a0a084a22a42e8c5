"""Page, API, exports and CLI of the diagnosis; no hidden value readable anywhere."""

import io
import json
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from maillage.web.diagnostics import views
from maillage.web.diagnostics.models import SavedTerritory

from . import factories

pytestmark = pytest.mark.django_db

# Three midwives in Toulon: the count (3) must never be readable. A distinctive birth year
# keeps the GP figures away from "3" too.
TERRITORY = "83137,83069"


@pytest.fixture
def supply(var_referential):
    factories.professionals_in("83137", 30, annee_naissance=1980)
    factories.professionals_in("83069", 9, annee_naissance=1955, mode="S")
    factories.professionals_in("83137", 3, categorie="sage_femme")
    factories.establishment("hopital", "83137", 5.93, 43.12, nom="CHI Toulon")
    factories.structure("CPTS", "CPTS Toulon Ouest", ["83137", "83069", "83129"])
    factories.structure("MSP", "MSP Six-Fours", ["83129"], siege="83129")
    factories.indicator(
        "test_ald",
        {"83137": (30000, 180000), "83069": (3000, 20000)},
        libelle="Part des ALD",
        source="CNAM, SNDS",
        millesime="2024",
    )


def _secret_rows(text: str) -> list[str]:
    return [line for line in text.splitlines() if "Sage-femme" in line or "sage_femme" in line]


def test_page_shows_the_diagnosis_and_hides_small_counts(client, supply):
    response = client.get(reverse("diagnostics:territory"), {"communes": TERRITORY})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Diagnostic territorial" in html and "secret statistique" in html
    assert "CPTS Toulon Ouest" in html and "chevauchante" in html
    assert "CHI Toulon" in html and "Part des ALD" in html
    row = re.search(r"<tr><th scope=\"row\">Sage-femme</th>(.*?)</tr>", html).group(1)
    assert "secret statistique" in row and ">3<" not in row
    assert "<svg" in html and "<script>" not in html


def test_api_get_and_post(client, supply):
    data = client.get("/api/diagnostics/", {"communes": TERRITORY}).json()
    t = data["territoire"]
    assert set(t) >= {"communes", "population", "surface_km2", "densite", "taille_cpts"}
    assert t["taille_cpts"] == 4  # Toulon + La Seyne > 175 000
    entry = next(i for i in data["indicateurs"] if i["code"] == "offre.sage_femme.effectif")
    assert entry["secret"] and entry["valeur"] is None and entry["numerateur"] is None
    assert set(entry["comparaisons"]) == {"departement", "region", "france"}
    ald = next(i for i in data["indicateurs"] if i["code"] == "test_ald")
    assert ald["valeur"] == pytest.approx(33000 / 200000 * 100)
    assert ald["source"] == "CNAM, SNDS" and ald["millesime"] == "2024"
    posted = client.post(
        "/api/diagnostics/", {"communes": ["83137", "83069"]}, content_type="application/json"
    ).json()
    assert posted["territoire"]["population"] == t["population"]
    bad = client.get("/api/diagnostics/", {"communes": "99999"})
    assert bad.status_code == 400


def test_api_polygon_and_radius(client, supply):
    toulon = [5.93, 43.12]
    square = [
        [toulon[0] - 0.05, toulon[1] - 0.05],
        [toulon[0] + 0.05, toulon[1] - 0.05],
        [toulon[0] + 0.05, toulon[1] + 0.05],
        [toulon[0] - 0.05, toulon[1] + 0.05],
    ]
    data = client.post(
        "/api/diagnostics/", {"polygone": square}, content_type="application/json"
    ).json()
    assert "83137" in data["territoire"]["communes"]
    near = client.get("/api/diagnostics/", {"autour": "83137", "km": 8}).json()
    assert "83137" in near["territoire"]["communes"] and len(near["territoire"]["communes"]) > 3
    mins = client.get("/api/diagnostics/", {"autour": "83137", "minutes": 10}).json()
    assert "83137" in mins["territoire"]["communes"]
    found = client.get("/api/diagnostics/recherche", {"q": "Toulon"}).json()
    assert "83137" in [c["code"] for c in found]


def test_csv_xlsx_pdf_exports_hide_secret_values(client, supply):
    csv_text = client.get("/diagnostic/export.csv", {"communes": TERRITORY}).content.decode(
        "utf-8-sig"
    )
    rows = _secret_rows(csv_text)
    assert rows and all("secret statistique" in r for r in rows if "effectif" in r)
    assert not any(re.search(r";3(\.0)?;", r) for r in rows)
    xlsx = client.get("/diagnostic/export.xlsx", {"communes": TERRITORY}).content
    wb = load_workbook(io.BytesIO(xlsx))
    assert {"Territoire", "Population", "Âges", "Offre de soins", "Indicateurs de santé"} <= set(
        wb.sheetnames
    )
    offre = [list(r) for r in wb["Offre de soins"].iter_rows(values_only=True)]
    sf = next(r for r in offre if r[0] == "offre.sage_femme.effectif")
    assert sf[2] == "secret statistique" and sf[4] is None
    assert 3 not in sf and 3.0 not in sf
    html = views.pdf_html(TERRITORY.split(","))
    row = re.search(r"<tr><th scope=\"row\">Sage-femme</th>(.*?)</tr>", html).group(1)
    assert "secret statistique" in row and ">3<" not in row
    pdf = client.get("/diagnostic/export.pdf", {"communes": TERRITORY})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_cli_json(supply, tmp_path, capsys):
    from click.testing import CliRunner

    from maillage.cli import main

    out = tmp_path / "d.json"
    result = CliRunner().invoke(main, ["diagnostic", "--communes", TERRITORY, "--output", str(out)])
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text())
    assert data["territoire"]["communes"] == ["83069", "83137"]
    entry = next(i for i in data["indicateurs"] if i["code"] == "offre.sage_femme.effectif")
    assert entry["secret"] and entry["valeur"] is None
    result = CliRunner().invoke(main, ["diagnostic", "--epci", "000000000"])
    assert result.exit_code == 1 and "EPCI inconnu" in result.output


def test_save_and_owner_only(client, supply, django_user_model):
    owner = django_user_model.objects.create_user("proprio", password="x" * 14)
    other = django_user_model.objects.create_user("autre", password="x" * 14)
    client.force_login(owner)
    response = client.post(
        reverse("diagnostics:save"), {"communes": TERRITORY, "nom": "Mon projet"}
    )
    assert response.status_code == 302
    saved = SavedTerritory.objects.get(owner=owner)
    assert saved.communes == ["83069", "83137"]
    assert client.get(reverse("diagnostics:territory"), {"territoire": saved.pk}).status_code == 200
    assert client.get("/api/diagnostics/territoires").json()[0]["nom"] == "Mon projet"
    client.force_login(other)
    assert client.get(reverse("diagnostics:territory"), {"territoire": saved.pk}).status_code == 404
    assert client.get("/api/diagnostics/", {"territoire": saved.pk}).status_code == 404
    assert client.get("/api/diagnostics/territoires").json() == []
    assert client.post(reverse("diagnostics:delete", args=[saved.pk])).status_code == 404
    assert "Mon projet" not in client.get(reverse("diagnostics:saved")).content.decode()


def test_epci_and_cpts_selection(client, supply):
    from maillage.web.supply.models import Structure
    from maillage.web.territories.models import Commune, Epci

    epci = Epci.objects.get(communes__code="83137")
    members = set(Commune.objects.filter(epci=epci, nature="COM").values_list("code", flat=True))
    data = client.get("/api/diagnostics/", {"epci": epci.siren}).json()
    assert set(data["territoire"]["communes"]) == members
    assert data["territoire"]["nom"] == epci.nom
    cpts = Structure.objects.get(nom="CPTS Toulon Ouest")
    data = client.get("/api/diagnostics/", {"cpts": cpts.identifiant}).json()
    assert data["territoire"]["communes"] == ["83069", "83129", "83137"]
    page = client.get("/diagnostic/territoire/", {"epci": epci.siren})
    assert page.status_code == 200 and epci.nom in page.content.decode()
    assert client.get("/api/diagnostics/", {"cpts": "inconnue"}).status_code == 400
