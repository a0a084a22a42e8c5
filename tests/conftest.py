"""Shared fixtures: the real open data of ../shared/data and a loaded Var referential."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = (REPO / ".." / "shared" / "data").resolve()
ETALAB_DIR = SHARED_DATA / "decoupage-administratif-6.0.0"
POINTS_ALL = SHARED_DATA / "communes-points" / "communes_2024_points_rcarlier.csv"
POINTS_VAR = SHARED_DATA / "communes-points" / "communes_2024_points_dep83.csv"
GEOJSON_VAR = (
    SHARED_DATA / "communes-geojson-2018" / "departements" / "83-var" / "communes-83-var.geojson"
)
SAMPLES = SHARED_DATA / "samples"


def pytest_collection_modifyitems(config, items):
    if not SHARED_DATA.is_dir():
        message = f"données réelles absentes : {SHARED_DATA}"
        if os.environ.get("CI"):
            raise pytest.UsageError(message)
        skip = pytest.mark.skip(reason=message)
        for item in items:
            if "shared_data" in item.fixturenames:
                item.add_marker(skip)


@pytest.fixture(scope="session", autouse=True)
def snapshot_directory(tmp_path_factory):
    """Diagnosis snapshots are written and read in every test, in a directory of the session
    (one per xdist worker) rather than in the checkout's var/."""
    from django.conf import settings

    settings.MAILLAGE_SNAPSHOT_DIR = str(tmp_path_factory.mktemp("instantanes"))
    return settings.MAILLAGE_SNAPSHOT_DIR


@pytest.fixture(scope="session")
def shared_data() -> Path:
    return SHARED_DATA


@pytest.fixture
def var_referential(db, shared_data):
    """The Var (83) from the real files: découpage administratif, points and outlines."""
    from maillage.web.territories import importers

    importers.import_etalab(ETALAB_DIR, departement="83")
    importers.import_points(POINTS_VAR)
    importers.import_geojson([GEOJSON_VAR])


@pytest.fixture
def demo_territory(db):
    from maillage.web.demo import create_demo_accounts, load_demo_territory

    load_demo_territory()
    create_demo_accounts()
