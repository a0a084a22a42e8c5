"""`maillage zonage exporter`: a CSV for French spreadsheets; a commune named after a
formula payload (issue 11 item 6) stays inert; APL rounded to two decimals."""

from __future__ import annotations

from decimal import Decimal

import pytest
from click.testing import CliRunner

from maillage.cli import main
from maillage.web.access import services
from maillage.web.territories.models import Commune
from tests.web.exports import spreadsheet as sheet

pytestmark = pytest.mark.django_db


def test_zoning_export_reads_as_a_french_spreadsheet(demo_gps, tmp_path):
    Commune.objects.filter(code="00001").update(nom=sheet.PAYLOADS[0])
    Commune.objects.filter(code="00002").update(nom=sheet.PAYLOADS[1])
    services.compute_and_store("medecin_generaliste", 2025, "00")
    runner = CliRunner()
    simulate = ["zonage", "simuler", "--profession", "medecin_generaliste", "--annee", "2025"]
    assert runner.invoke(main, [*simulate, "--departement", "00"]).exit_code == 0
    out = tmp_path / "z.csv"
    result = runner.invoke(
        main,
        ["zonage", "exporter", "--profession", "medecin_generaliste", "--source", "simulation",
         "--departement", "00", "--output", str(out)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = sheet.read_csv(out.read_bytes())  # raises on any live formula
    assert [sheet.plain(c) for c in rows[0]] == ["code", "nom", "zone", "nature", "apl"]
    names = {sheet.plain(r[1]) for r in rows[1:]}
    assert {sheet.PAYLOADS[0], sheet.PAYLOADS[1]} <= names
    apl = [r[4] for r in rows[1:] if r[4] is not None]
    assert apl and all(isinstance(v, Decimal) and -v.as_tuple().exponent <= 2 for v in apl)
