"""Import of all communes (découpage administratif) and their points into a fresh SQLite base.

Usage: python benchmarks/bench_import_communes.py [SHARED_DATA]
Prints the time of each step and the total against the 30 s target.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

SHARED = Path(
    sys.argv[1] if len(sys.argv) > 1 else Path(__file__).parents[1] / ".." / "shared" / "data"
).resolve()


def main() -> None:
    directory = tempfile.mkdtemp(prefix="maillage-bench-")
    os.environ["MAILLAGE_DATA_DIR"] = directory
    os.environ["DJANGO_SETTINGS_MODULE"] = "maillage.web.settings.dev"
    from maillage.web import setup

    setup()
    from django.core.management import call_command

    from maillage.web.territories import importers

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    report = importers.import_etalab(SHARED / "decoupage-administratif-6.0.0")
    etalab_s = time.perf_counter() - started
    step = time.perf_counter()
    importers.import_points(SHARED / "communes-points" / "communes_2024_points_rcarlier.csv")
    points_s = time.perf_counter() - step
    total = time.perf_counter() - started
    communes = report.counts["communes"]["créés"]
    print(f"communes et codes historiques créés : {communes}")
    print(f"découpage administratif : {etalab_s:6.1f} s")
    print(f"centres des communes    : {points_s:6.1f} s")
    print(f"total                   : {total:6.1f} s (objectif < 30 s, ratio {30 / total:.1f}×)")


if __name__ == "__main__":
    main()
