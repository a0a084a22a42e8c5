"""Limits of compressed inputs, from the settings, in every importer that accepts zip or xlsx."""

from __future__ import annotations

import zipfile

import pytest
from click.testing import CliRunner

from maillage.cli import main
from maillage.engine.sources.errors import SourceError
from maillage.web.limits import archive_limits
from maillage.web.supply import importers
from maillage.web.supply.models import IndicatorValue, Professional, SupplyImport
from maillage.web.territories.importers import import_etalab
from tests.conftest import ETALAB_DIR
from tests.engine.sources.generated import random_rpps_rows, write_apl_workbook, write_rpps
from tests.engine.sources.test_archives import MEMBER, xlsx_bomb, zeros_zip

pytestmark = pytest.mark.django_db


def test_limits_are_settings_with_documented_defaults(settings):
    limits = archive_limits()
    assert limits.max_bytes == 4 * 2**30 and limits.max_ratio == 100
    settings.IMPORT_MAX_UNCOMPRESSED_BYTES = 1 << 20
    settings.IMPORT_MAX_COMPRESSION_RATIO = 10
    assert archive_limits().max_bytes == 1 << 20 and archive_limits().max_ratio == 10


@pytest.fixture
def ain(shared_data):
    import_etalab(ETALAB_DIR, departement="01")


def rpps_zip(tmp_path):
    archive = tmp_path / "PS_LibreAcces.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        out.write(write_rpps(tmp_path / "a.txt", random_rpps_rows(8000)), MEMBER)
    return archive


def test_rpps_import_follows_the_setting_and_changes_nothing(ain, tmp_path, settings):
    archive = rpps_zip(tmp_path)
    settings.IMPORT_MAX_UNCOMPRESSED_BYTES = 1 << 20
    with pytest.raises(SourceError, match="taille décompressée déclarée"):
        importers.import_rpps(archive)
    assert not Professional.objects.exists() and not SupplyImport.objects.exists()
    settings.IMPORT_MAX_UNCOMPRESSED_BYTES = 8 << 20
    report = importers.import_rpps(archive)
    assert report.counts["activités"]["créés"] > 7000


def test_rpps_bomb_exits_1_with_a_french_message(ain, tmp_path):
    bomb = zeros_zip(tmp_path / "PS_LibreAcces.zip", 64 << 20)
    result = CliRunner().invoke(main, ["import", "rpps", str(bomb)])
    assert result.exit_code == 1
    assert f"{bomb}!{MEMBER} : taux de compression anormal" in result.output
    assert "Traceback" not in result.output
    assert not SupplyImport.objects.exists()


def test_apl_xlsx_bomb_changes_nothing(ain, tmp_path, settings):
    bomb = xlsx_bomb(tmp_path, 64 << 20)
    with pytest.raises(SourceError, match="taux de compression anormal"):
        importers.import_apl(bomb)
    settings.IMPORT_MAX_COMPRESSION_RATIO = 1e6
    settings.IMPORT_MAX_UNCOMPRESSED_BYTES = 1 << 20
    with pytest.raises(SourceError, match="taille décompressée déclarée"):
        importers.import_apl(bomb)
    assert not IndicatorValue.objects.exists()
    good = write_apl_workbook(tmp_path / "apl.xlsx", {2022: [("01053", 3.0)]})
    assert importers.import_apl(good).counts
