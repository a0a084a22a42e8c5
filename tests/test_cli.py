"""The `maillage` command on the test database: imports, errors, commune card, opendata."""

import csv
import io
import json
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest
from click.testing import CliRunner

from maillage.cli import main
from maillage.web.territories.models import Commune
from tests.conftest import ETALAB_DIR, GEOJSON_VAR, POINTS_VAR

pytestmark = pytest.mark.django_db


@pytest.fixture
def run():
    runner = CliRunner()

    def invoke(*args):
        return runner.invoke(main, [str(a) for a in args], catch_exceptions=False)

    return invoke


def test_import_chain_and_commune_json(run, shared_data):
    result = run("import", "communes-etalab", ETALAB_DIR, "--departement", "83")
    assert result.exit_code == 0, result.output
    assert "communes : " in result.output and "créés" in result.output
    assert run("import", "communes-points", POINTS_VAR).exit_code == 0
    assert run("import", "communes-geojson", GEOJSON_VAR).exit_code == 0
    result = run("commune", "83137", "--json")
    card = json.loads(result.output)
    assert card["nom"] == "Toulon" and card["population"] == 179116 and card["contour"] is True
    assert card["centre"] == pytest.approx([5.93344, 43.13636])
    again = run("import", "communes-points", POINTS_VAR, "--json")
    counts = json.loads(again.output)["comptes"]["communes"]
    assert counts["mis à jour"] == 0 and counts["inchangés"] == 153


def test_dry_run_option(run, shared_data):
    result = run("import", "communes-etalab", ETALAB_DIR, "--departement", "83", "--dry-run")
    assert result.exit_code == 0 and "simulation" in result.output
    assert Commune.objects.count() == 0


def test_bad_file_exits_non_zero_with_a_french_message(run, tmp_path, var_referential):
    bad = tmp_path / "points.csv"
    bad.write_text("code_insee,latitude,longitude\n83137,43.1,5.9\n83001,nord,5.9\n")
    result = CliRunner().invoke(main, ["import", "communes-points", str(bad)])
    assert result.exit_code != 0
    assert f"{bad}, ligne 3, colonne « lat » : nombre illisible" in result.output
    assert Commune.objects.get(code="83137").centre_lat == pytest.approx(43.13636)


def test_unknown_commune(run, db):
    result = CliRunner().invoke(main, ["commune", "99999", "--json"])
    assert result.exit_code == 1 and "absente du référentiel" in result.output


class FakeOfficialServer(SimpleHTTPRequestHandler):
    """Serves ../shared/data as the official servers would (npm CDN, geo.api.gouv.fr)."""

    shared = None

    def log_message(self, *args):
        pass

    def do_GET(self):
        url = urlparse(self.path)
        if url.path.startswith("/decoupage/"):
            return self._file(ETALAB_DIR / url.path.removeprefix("/decoupage/"))
        if url.path == "/geo/departements/83/communes":
            geometry = parse_qs(url.query).get("geometry", [""])[0]
            if geometry == "contour":
                return self._file(GEOJSON_VAR)
            if geometry == "centre":
                return self._json(self._centres())
        self.send_error(404)

    def _centres(self):
        with open(POINTS_VAR, encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        return {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "properties": {"code": r["code_insee"], "nom": r["nom"]},
                    "geometry": {
                        "type": "Point",
                        "coordinates": [float(r["longitude"]), float(r["latitude"])],
                    },
                }
                for r in rows
            ],
        }

    def _file(self, path):
        if not path.is_file():
            return self.send_error(404)
        self._send(path.read_bytes())

    def _json(self, data):
        self._send(json.dumps(data).encode())

    def _send(self, body):
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def fake_official_server(settings, shared_data):
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(FakeOfficialServer))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    settings.OPENDATA_SOURCES = {
        "decoupage_administratif": f"{base}/decoupage/",
        "geo_api": f"{base}/geo/",
    }
    yield base
    server.shutdown()
    server.server_close()


def test_opendata_fetch_downloads_checks_and_imports(run, fake_official_server, tmp_path):
    result = run("opendata", "fetch", "--departement", "83", "--dossier", tmp_path)
    assert result.exit_code == 0, result.output
    toulon = Commune.objects.get(code="83137")
    assert toulon.population == 179116 and toulon.contour
    assert (toulon.centre_lon, toulon.centre_lat) == pytest.approx((5.93344, 43.13636))
    assert Commune.objects.filter(departement="83", statut="actuelle").count() == 153
    assert not list(tmp_path.rglob(".partiel-*"))


def test_opendata_fetch_reports_a_server_error(run, fake_official_server, tmp_path):
    result = CliRunner().invoke(
        main, ["opendata", "fetch", "--departement", "84", "--dossier", str(tmp_path)]
    )
    assert result.exit_code == 1
    assert "404" in result.output
    assert Commune.objects.count() == 0


def test_help_is_french(run):
    output = run("--help").output
    assert "Importe des fichiers officiels" in output
    assert io.StringIO(output).read()


def test_parametres_lists_status(run):
    output = run("parametres", "--date", "2026-03-01").output
    assert "aci.cpts.fonctionnement" in output and "NON VÉRIFIÉ" in output
    only = run("parametres", "--non-verifies").output
    assert "(depuis" in only
    # Listed: every unverified value, and every value whose reference has no URL, saying so;
    # never a verified value one can check by following its link.
    blocks = [only.splitlines()[i : i + 2] for i in range(0, len(only.splitlines()), 2)]
    assert blocks and all(len(b) == 2 for b in blocks)
    for head, source in blocks:
        assert "NON VÉRIFIÉ" in head or "référence sans URL" in source, (head, source)
    assert any("vérifié)" in h and "référence sans URL" in s for h, s in blocks)
    assert "aci.cpts.fonctionnement =" in only  # verified, but its reference has no URL
    assert "aci.cpts.missions.socle =" not in only  # verified, with a Légifrance URL
    # No check of a source is recorded: nothing pretends otherwise.
    assert all(s.endswith("jamais vérifié") for _, s in blocks)


def test_commune_json_includes_the_offer(run, demo_territory):
    from maillage.web.supply.demo import load_demo as load_supply_demo
    from maillage.web.supply.models import Activity

    load_supply_demo()
    town = Commune.objects.filter(departement="00").order_by("-population").first()
    card = json.loads(run("commune", town.code, "--json").output)
    offer = card["offre"]
    gps = offer["professionnels"]["medecin_generaliste"]
    expected = (
        Activity.objects.filter(commune=town, professional__categorie="medecin_generaliste")
        .values("professional")
        .distinct()
        .count()
    )
    assert gps["effectif"] == expected > 0
    assert gps["liberaux"] <= gps["effectif"]
