"""The diagnosis snapshot persisted next to the database: rebuilt when the data version moves,
loaded (not rebuilt) by a new process, a stale or corrupt file ignored, the same diagnosis
whichever way the snapshot came, several processes building at once safely."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from django.conf import settings
from django.test import override_settings

from maillage.cli import main
from maillage.web.dataversion import tracking
from maillage.web.diagnostics import services, snapshot_cache
from maillage.web.territories.models import Commune

from . import factories

pytestmark = pytest.mark.django_db

AT = dt.date(2026, 6, 1)
CODES = ["00001", "00002", "00003"]


@pytest.fixture
def folder(tmp_path):
    with override_settings(MAILLAGE_SNAPSHOT_DIR=str(tmp_path / "instantanes")):
        services.invalidate()
        yield tmp_path / "instantanes"
    services.invalidate()


def files(folder: Path) -> list[Path]:
    return sorted(folder.glob(f"{snapshot_cache.PREFIX}*{snapshot_cache.SUFFIX}"))


def new_process() -> None:
    """What a new web worker or CLI call starts from: nothing in memory."""
    services.invalidate()


@pytest.fixture
def demo_supply(demo_territory):
    factories.professionals_in("00001", 12)
    factories.professionals_in("00002", 3, categorie="infirmier")
    factories.indicator("ald", {"00001": (800.0, 4000.0), "00002": (90.0, 500.0)})


def test_built_once_then_loaded_by_a_new_process(folder, demo_supply):
    built = snapshot_cache.stats.built
    first = services.diagnose(CODES, at=AT)
    assert snapshot_cache.stats.source == "base" and snapshot_cache.stats.built == built + 1
    [path] = files(folder)
    assert tracking.current() in path.name
    services.diagnose(CODES, at=AT)
    assert snapshot_cache.stats.source == "mémoire"
    new_process()
    second = services.diagnose(CODES, at=AT)
    assert snapshot_cache.stats.source == "fichier" and snapshot_cache.stats.built == built + 1
    assert second == first


def test_a_version_bump_rebuilds_and_replaces_the_file(folder, demo_supply):
    services.diagnose(CODES, at=AT)
    [old] = files(folder)
    Commune.objects.filter(code="00001").update(population=12345)
    built = snapshot_cache.stats.built
    result = services.diagnose(["00001"], at=AT)
    assert snapshot_cache.stats.built == built + 1
    assert result["territoire"]["population"] == 12345
    [new] = files(folder)
    assert new != old and not old.exists()


def test_a_stale_file_under_the_current_name_is_ignored(folder, demo_supply, caplog):
    """A file holding another version (copied, restored, or left by a crash) is refused by
    its content, not trusted for its name."""
    services.diagnose(CODES, at=AT)
    [stale] = files(folder)
    stale_bytes = stale.read_bytes()
    Commune.objects.filter(code="00001").update(population=12345)
    new_process()
    expected = services.diagnose(["00001"], at=AT)
    [current] = files(folder)
    current.write_bytes(stale_bytes)
    new_process()
    built = snapshot_cache.stats.built
    with caplog.at_level(logging.WARNING, logger="maillage"):
        assert services.diagnose(["00001"], at=AT) == expected
    assert snapshot_cache.stats.built == built + 1 and "autre version" in caplog.text
    new_process()
    services.diagnose(["00001"], at=AT)
    assert snapshot_cache.stats.source == "fichier"  # rewritten with the right version


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],
        lambda data: b"",
        lambda data: data[:100] + b"\x00" * 5000 + data[5100:],
        lambda data: b"not a zip at all",
    ],
    ids=["tronque", "vide", "ecrase", "pas-zip"],
)
def test_a_corrupt_file_is_ignored_and_rewritten(folder, demo_supply, damage, caplog):
    expected = services.diagnose(CODES, at=AT)
    [path] = files(folder)
    path.write_bytes(damage(path.read_bytes()))
    new_process()
    built = snapshot_cache.stats.built
    with caplog.at_level(logging.WARNING, logger="maillage"):
        assert services.diagnose(CODES, at=AT) == expected
    assert snapshot_cache.stats.built == built + 1 and "instantané du diagnostic" in caplog.text
    new_process()
    assert services.diagnose(CODES, at=AT) == expected
    assert snapshot_cache.stats.source == "fichier"


def test_another_secrecy_key_never_reuses_the_file(folder, demo_supply):
    services.diagnose(CODES, at=AT)
    new_process()
    with override_settings(
        MAILLAGE_SECRET_STATISTIQUE_CLE=settings.MAILLAGE_SECRET_STATISTIQUE_CLE + "-autre"
    ):
        built = snapshot_cache.stats.built
        services.diagnose(CODES, at=AT)
        assert snapshot_cache.stats.built == built + 1
    assert len(files(folder)) == 1


def test_no_directory_keeps_the_snapshot_in_memory_only(tmp_path, demo_supply):
    with override_settings(MAILLAGE_SNAPSHOT_DIR=""):
        new_process()
        services.diagnose(CODES, at=AT)
        assert snapshot_cache.stats.source == "base"
    assert not any(tmp_path.iterdir())


def test_an_unwritable_directory_only_costs_a_warning(tmp_path, demo_supply, caplog):
    blocked = tmp_path / "fichier"
    blocked.write_text("pas un dossier")
    with override_settings(MAILLAGE_SNAPSHOT_DIR=str(blocked)), caplog.at_level(logging.WARNING):
        new_process()
        assert services.diagnose(CODES, at=AT)["territoire"]["nb_communes"] == 3
    assert "non enregistré" in caplog.text


def test_same_diagnosis_from_the_file_on_real_communes(folder, var_referential):
    """Var communes with generated professionals: every output of the diagnosis is identical
    whether the snapshot was built from the database or loaded from its file."""
    codes = list(Commune.objects.filter(departement_id="83").values_list("code", flat=True))
    for i, code in enumerate(codes[:40]):
        factories.professionals_in(code, 1 + i % 7, annee_naissance=1950 + i)
    factories.establishment("hopital", "83137", 5.93, 43.13, nom="CH Toulon")
    factories.structure("CPTS", "CPTS Test", codes[:5])
    factories.indicator("ald", {c: (10.0 + i, 100.0 + i) for i, c in enumerate(codes)})
    selections = [codes[:1], codes[:10], codes[:150], ["83137", "83069"]]
    built = [services.diagnose(s, at=AT) for s in selections]
    new_process()
    loaded = [services.diagnose(s, at=AT) for s in selections]
    assert snapshot_cache.stats.source in ("fichier", "mémoire")
    assert json.dumps(loaded, sort_keys=True) == json.dumps(built, sort_keys=True)


def test_first_web_request_after_a_cli_import_is_served_without_a_rebuild(
    folder, demo_supply, client, tmp_path
):
    services.diagnose(CODES, at=AT)
    path = tmp_path / "ind.csv"
    path.write_text(
        "indicateur;code_insee;annee;numerateur;denominateur\nald;00001;2024;1600;4000\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["import", "indicateurs", str(path)])
    assert result.exit_code == 0, result.output
    built, loaded = snapshot_cache.stats.built, snapshot_cache.stats.loaded
    new_process()  # a web worker that has never seen the new version
    response = client.get("/api/diagnostics/", {"communes": "00001"})
    assert response.status_code == 200
    assert snapshot_cache.stats.built == built and snapshot_cache.stats.loaded == loaded + 1
    ald = next(e for e in response.json()["indicateurs"] if e["code"] == "ald")
    assert ald["numerateur"] != 800.0  # the corrected value, not the cached one


CHILD = """
import json, sys
from maillage.web import setup
setup()
from maillage.web.diagnostics import services, snapshot_cache
result = services.diagnose(sys.argv[1].split(","))
print(json.dumps({"source": snapshot_cache.stats.source, "result": result}))
"""


@pytest.mark.slow
def test_concurrent_processes_build_once_and_agree(tmp_path):
    """Four processes start on the same new data version at once: one builds and writes the
    file, the others wait for it and load it; all four publish the same diagnosis."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "maillage.web.settings.dev",
        "MAILLAGE_DATA_DIR": str(tmp_path),
        "MAILLAGE_SNAPSHOT_DIR": str(tmp_path / "instantanes"),
    }
    env.pop("DATABASE_URL", None)
    maillage = Path(sys.executable).parent / "maillage"
    subprocess.run(
        [maillage, "demo", "--no-serve"], env=env, check=True, capture_output=True, timeout=600
    )
    for path in (tmp_path / "instantanes").glob("*.npz"):
        path.unlink()  # the demo prebuilt it: start from nothing
    children = [
        subprocess.Popen(
            [sys.executable, "-c", CHILD, "00001,00002,00003"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    outputs = [child.communicate(timeout=600) for child in children]
    assert all(child.returncode == 0 for child in children), [o[1] for o in outputs]
    replies = [json.loads(out) for out, _ in outputs]
    assert sorted(r["source"] for r in replies) == ["base", "fichier", "fichier", "fichier"]
    assert all(r["result"] == replies[0]["result"] for r in replies)
    assert len(list((tmp_path / "instantanes").glob("*.npz"))) == 1
    assert not list((tmp_path / "instantanes").glob(".*.tmp"))
