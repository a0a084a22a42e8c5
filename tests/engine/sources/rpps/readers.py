"""What the RPPS tests share: the real 2021 sample and the batches read as rows."""

from __future__ import annotations

from pathlib import Path

from maillage.engine.sources import rpps

SHARED = Path(__file__).resolve().parents[4] / ".." / "shared" / "data"
SAMPLE = SHARED / "samples" / "rpps" / "PS_LibreAcces_Personne_activite_sample_2021.txt"


def batches_as_rows(path, **options) -> list[dict[str, str]]:
    """Rows of :func:`rpps.iter_activity_batches`, to compare with the line reader."""
    rows = []
    for batch in rpps.iter_activity_batches(path, **options):
        rows.extend(batch.to_pylist())
    return rows
