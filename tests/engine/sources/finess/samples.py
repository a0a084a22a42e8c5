"""The real FINESS samples of ``../shared/data`` and a reader keyed by FINESS number."""

from __future__ import annotations

from pathlib import Path

from maillage.engine.sources import finess

SHARED = Path(__file__).resolve().parents[4] / ".." / "shared" / "data"
SAMPLES = SHARED / "samples" / "finess"
REEXPOSED = SAMPLES / "finess_etablissements_reexposition_sample_2026-05.csv"
RAW_GEOLOC = SAMPLES / "etalab-cs1100507-geoloc_ASSEMBLED_fixture.csv"
RAW_STOCK = SAMPLES / "etalab-cs1100502-stock-20260512-0339_excerpt.csv"
T_FINESS = SAMPLES / "t-finess_etalab_small_20201231.csv"


def by_finess(path, **options) -> dict[str, finess.Establishment]:
    """Establishments of ``path`` keyed by their FINESS number."""
    return {e.finess: e for e in finess.iter_establishments(path, **options)}
