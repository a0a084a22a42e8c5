"""Outline import: a pool of processes writes what one process writes; bad files change nothing."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from maillage.cli import main
from maillage.engine.sources.errors import SourceError
from maillage.engine.sources.geojson_pool import read_shape_records
from maillage.web.territories import outlines
from maillage.web.territories.importers import import_etalab
from maillage.web.territories.models import Commune
from tests.conftest import ETALAB_DIR, GEOJSON_VAR

pytestmark = pytest.mark.django_db

ARDECHE = GEOJSON_VAR.parents[1] / "07-ardeche" / "communes-07-ardeche.geojson"
STORED = ("code", *outlines.STORED)


def stored():
    return list(Commune.objects.order_by("code").values_list(*STORED))


@pytest.mark.slow
def test_pool_writes_what_one_process_writes(db, shared_data, monkeypatch):
    import_etalab(ETALAB_DIR, departement="07")
    import_etalab(ETALAB_DIR, departement="83")
    Commune.objects.filter(code="83137").update(centre_lon=5.9, centre_lat=43.1)
    before = stored()
    first = outlines.import_geojson([ARDECHE, GEOJSON_VAR], workers=1)
    alone = stored()
    assert alone != before
    Commune.objects.update(**dict.fromkeys(outlines.STORED))
    Commune.objects.filter(code="83137").update(centre_lon=5.9, centre_lat=43.1)
    # Force the pool, files shared between its workers, on this small input.
    real = read_shape_records

    def pooled(paths, **options):
        return real(paths, **{**options, "pool_min_bytes": 0, "shard_bytes": 0})

    monkeypatch.setattr(outlines, "read_shape_records", pooled)
    second = outlines.import_geojson([ARDECHE, GEOJSON_VAR], workers=2)
    assert stored() == alone
    assert second.counts == first.counts and second.warnings == first.warnings
    # A centre already known is kept; merged communes have the union of their parts.
    assert Commune.objects.get(code="83137").centre_lon == 5.9
    current = Commune.objects.filter(departement="07", statut="actuelle", nature="COM")
    assert current.count() > 330 and not current.filter(contour__isnull=True).exists()


def test_second_import_is_unchanged_and_dry_run_writes_nothing(var_referential):
    before = stored()
    again = outlines.import_geojson([GEOJSON_VAR])
    assert again.counts["communes"]["mis à jour"] == 0
    assert again.counts["communes"]["inchangés"] == 153
    Commune.objects.filter(departement="83").update(contour=None, surface_km2=None)
    dry = outlines.import_geojson([GEOJSON_VAR], dry_run=True)
    assert dry.counts["communes"]["mis à jour"] == 153
    assert Commune.objects.filter(departement="83", contour__isnull=False).count() == 0
    outlines.import_geojson([GEOJSON_VAR])
    assert stored() == before


def test_a_changed_outline_is_updated_alone(var_referential, tmp_path):
    document = json.loads(GEOJSON_VAR.read_text(encoding="utf-8"))
    toulon = next(f for f in document["features"] if f["properties"]["code"] == "83137")
    toulon["geometry"] = {"type": "Point", "coordinates": [5.93, 43.12]}
    path = tmp_path / "var.geojson"
    path.write_text(json.dumps(document), encoding="utf-8")
    contour = Commune.objects.get(code="83137").contour
    report = outlines.import_geojson([path])
    assert report.counts["communes"]["mis à jour"] == 1
    toulon = Commune.objects.get(code="83137")
    assert (toulon.centre_lon, toulon.centre_lat) == (5.93, 43.12)
    assert toulon.contour == contour


def test_codes_absent_from_the_referential_are_reported(db, shared_data):
    import_etalab(ETALAB_DIR, departement="75")
    report = outlines.import_geojson([GEOJSON_VAR])
    assert report.counts["communes"] == {
        "créés": 0, "mis à jour": 0, "inchangés": 0, "supprimés": 0,
    }  # fmt: skip
    assert report.warnings[0].startswith("153 codes absents du référentiel ignorés")


def deep_file(tmp_path):
    path = tmp_path / "profond.geojson"
    path.write_text(
        '{"type": "FeatureCollection", "features": [\n'
        '{"type": "Feature", "properties": {"code": "83137"}, "geometry": '
        '{"type": "Polygon", "coordinates": ' + "[" * 200_000 + "]" * 200_000 + "}}]}",
        encoding="utf-8",
    )
    return path


def test_deep_nesting_changes_nothing(var_referential, tmp_path):
    before = stored()
    with pytest.raises(SourceError) as caught:
        outlines.import_geojson([GEOJSON_VAR, deep_file(tmp_path)])
    assert caught.value.line == 2 and "imbrication trop profonde" in caught.value.message
    assert stored() == before


def test_deep_nesting_exits_1_with_a_french_message(var_referential, tmp_path):
    path = deep_file(tmp_path)
    result = CliRunner().invoke(main, ["import", "communes-geojson", str(path)])
    assert result.exit_code == 1
    assert f"{path}, ligne 2, colonne « caractère " in result.output
    assert "imbrication trop profonde" in result.output
    assert "Traceback" not in result.output and "RecursionError" not in result.output
