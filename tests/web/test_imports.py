"""The shared import writer: writes planned before the transaction, short write lock, and web
writes that never fail while an import runs on SQLite (issue 11 item 11)."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from maillage.web.imports import ImportReport, atomic_import, plan_sync, sync
from maillage.web.settings.base import MAILLAGE_SQLITE_BUSY_TIMEOUT, sqlite_options
from maillage.web.territories.models import Commune, Departement, Region
from tests.conftest import ETALAB_DIR

WRITERS = Path(__file__).with_name("concurrent_writers.py")


@pytest.fixture
def departement(db):
    region = Region.objects.create(code="99", nom="Région fictive")
    return Departement.objects.create(code="00", nom="Département fictif", region=region)


def _rows(departement, **changes):
    rows = {
        f"0000{n}": {
            "nom": f"Commune {n}",
            "departement_id": departement.code,
            "region_id": departement.region_id,
            "codes_postaux": [f"0000{n}"],
            "population": 100 * n,
            "centre_lon": 5.0 + n / 10,
        }
        for n in range(1, 5)
    }
    for code, values in changes.items():
        rows[code].update(values)
    return rows


def test_planning_only_reads_and_applying_writes_what_sync_wrote(departement):
    report = ImportReport("essai")
    with CaptureQueriesContext(connection) as queries:
        plan = plan_sync(Commune, _rows(departement), label="communes")
    assert all(q["sql"].lstrip().upper().startswith("SELECT") for q in queries.captured_queries)
    assert Commune.objects.count() == 0
    with atomic_import(report):
        plan.apply(report)
    first = Commune.objects.get(code="00003")
    assert (first.codes_postaux, first.population, first.centre_lon) == (["00003"], 300, 5.3)
    assert first.statut == Commune.Statut.ACTUELLE  # model default, as bulk_create sets it
    assert report.counts["communes"]["créés"] == 4
    # Same rows again: unchanged; a float within 1e-9 is unchanged; real changes are written.
    again = ImportReport("essai")
    changes = {"00001": {"centre_lon": 5.1 + 1e-12}, "00002": {"nom": "Renommée"}}
    with atomic_import(again):
        sync(Commune, _rows(departement, **changes), again, label="communes")
    assert again.counts["communes"] == {"créés": 0, "mis à jour": 1, "inchangés": 3, "supprimés": 0}
    assert Commune.objects.get(code="00002").nom == "Renommée"


def test_missing_keys_without_create(departement):
    report = ImportReport("essai")
    with atomic_import(report):
        sync(Commune, _rows(departement), report)
    rows = {"00001": {"population": 7}, "99999": {"population": 8}}
    plan = plan_sync(Commune, rows, create=False)
    with atomic_import(report):
        assert plan.apply(report) == ["99999"]
    assert Commune.objects.get(code="00001").population == 7


def test_dry_run_writes_nothing_and_the_lock_time_is_reported(departement):
    plan = plan_sync(Commune, _rows(departement))
    report = ImportReport("essai", dry_run=True)
    with atomic_import(report):
        plan.apply(report)
    assert Commune.objects.count() == 0 and report.counts["communes"]["créés"] == 4
    assert report.write_lock_seconds > 0
    assert report.as_dict()["verrou_ecriture_s"] >= 0
    assert any("base verrouillée" in line for line in report.lines())


def test_sqlite_options_for_concurrent_use():
    options = sqlite_options({"ENGINE": "django.db.backends.sqlite3", "NAME": "x"})["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert options["timeout"] == MAILLAGE_SQLITE_BUSY_TIMEOUT
    assert "journal_mode=WAL" in options["init_command"]
    postgres = {"ENGINE": "django.db.backends.postgresql", "NAME": "x"}
    assert "OPTIONS" not in sqlite_options(postgres)


@pytest.mark.slow
@pytest.mark.skipif(
    bool(os.environ.get("DATABASE_URL")), reason="SQLite only: PostgreSQL locks rows, not files"
)
def test_web_writes_never_fail_while_a_national_import_runs(tmp_path, shared_data):
    """Five agents post contacts through the web views, in their own process, on a
    file-backed SQLite database while another process imports the 39 000 communes of France:
    the import succeeds, no web write fails, and the import holds the write lock for less than
    the busy timeout other writes wait."""
    env = {
        **os.environ,
        "MAILLAGE_DATA_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "maillage.web.settings.dev",
    }
    env.pop("DATABASE_URL", None)
    subprocess.run([sys.executable, WRITERS, "--prepare"], env=env, check=True, timeout=600)
    stop, ready = tmp_path / "stop", tmp_path / "ready"
    writers = subprocess.Popen(
        [sys.executable, WRITERS, "--agents", "5", "--stop-file", stop, "--ready-file", ready],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 300
        while not ready.exists() and writers.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
        assert ready.exists(), writers.stderr.read() if writers.poll() is not None else ""
        command = ["import", "communes-etalab", ETALAB_DIR, "--json"]
        result = subprocess.run(
            [sys.executable, "-m", "maillage.cli", *command],
            env=env,
            capture_output=True,
            text=True,
            timeout=1800,
        )
    finally:
        stop.touch()
        out, err = writers.communicate(timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout)
    assert report["comptes"]["communes"]["créés"] > 35_000
    assert report["verrou_ecriture_s"] < MAILLAGE_SQLITE_BUSY_TIMEOUT, report
    summary = json.loads(out.strip().splitlines()[-1])
    assert summary["failure_count"] == 0, (summary, err[-3000:])
    assert summary["writes"] >= 20, summary
    with sqlite3.connect(tmp_path / "maillage.sqlite3") as database:
        assert database.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
