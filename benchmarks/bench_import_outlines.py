"""National outlines import (``maillage import communes-geojson`` of every département).

A fresh SQLite database gets the découpage administratif (not measured), then the outlines of
all départements are imported twice (first import: every commune updated; second: unchanged)
by a separate ``maillage`` process whose wall time and peak memory — the process and its
children, pool workers included — are measured. With ``--avant REV`` the same is done, in the
same run, with the code of revision ``REV`` (checked out in a temporary git worktree), and the
stored outlines of both are compared: they must be identical.

Usage::

    python benchmarks/bench_import_outlines.py [--avant main~1] [--repetitions 3]

Targets (issue 14 §4): < 20 s and < 400 MB for the first import. The script exits with
status 1 when the stored outlines differ, 2 when a target is missed.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import shutil
import sqlite3
import sys
import tempfile
from pathlib import Path

from measure import ROOT, Measure, baseline_checkout, environment, run_measured, spread

SHARED = ROOT / ".." / "shared" / "data"
TARGET_SECONDS = 20.0
TARGET_MB = 400.0
COLUMNS = (
    "code, contour, surface_km2, bbox_min_lon, bbox_min_lat, bbox_max_lon, bbox_max_lat, "
    "centre_lon, centre_lat"
)


def _maillage(*arguments: str) -> list[str]:
    return [sys.executable, "-c", "from maillage.cli import main; main()", *arguments]


def _prepare(directory: Path) -> Path:
    """A database with every commune of the découpage administratif (the template)."""
    env = environment(directory)
    for command in (
        _maillage("manage", "migrate", "--verbosity", "0"),
        _maillage("import", "communes-etalab", str(SHARED / "decoupage-administratif-6.0.0")),
    ):
        measure = run_measured(command, env=env)
        if measure.returncode:
            sys.exit(f"préparation impossible : {measure.stderr}")
    return directory / "maillage.sqlite3"


def _digest(database: Path) -> tuple[str, int]:
    """Fingerprint of the stored outlines (and how many communes have one)."""
    connection = sqlite3.connect(database)
    try:
        rows = connection.execute(
            f"SELECT {COLUMNS} FROM territories_commune ORDER BY code"
        ).fetchall()
    finally:
        connection.close()
    digest = hashlib.sha256(repr(rows).encode()).hexdigest()
    return digest, sum(row[1] is not None for row in rows)


def _run(template: Path, files: list[str], source: Path | None) -> tuple[Measure, Measure, str]:
    with tempfile.TemporaryDirectory(prefix="maillage-contours-") as directory:
        data = Path(directory)
        shutil.copy(template, data / "maillage.sqlite3")
        env = environment(data, source)
        first = run_measured(_maillage("import", "communes-geojson", *files), env=env)
        second = run_measured(_maillage("import", "communes-geojson", *files), env=env)
        for measure in (first, second):
            if measure.returncode:
                sys.exit(f"échec de l'import :\n{measure.stderr[-3000:]}")
        digest, outlines = _digest(data / "maillage.sqlite3")
    return first, second, f"{digest[:16]} ({outlines} contours)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--avant", help="révision à mesurer aussi (ex. main~1)")
    parser.add_argument("--repetitions", type=int, default=1)
    parser.add_argument(
        "--departements",
        type=Path,
        default=SHARED / "communes-geojson-2018" / "departements",
    )
    args = parser.parse_args()
    files = sorted(str(p) for p in args.departements.glob("*/communes-*.geojson"))
    print(f"{len(files)} fichiers, {sum(Path(f).stat().st_size for f in files) / 1e6:.0f} Mo")
    with tempfile.TemporaryDirectory(prefix="maillage-modele-") as directory:
        template = _prepare(Path(directory))
        variants: dict[str, Path | None] = {"après": None}
        results: dict[str, list[tuple[Measure, Measure, str]]] = {}
        with (
            baseline_checkout(args.avant) if args.avant else contextlib.nullcontext() as old_source
        ):
            if args.avant:
                variants = {"avant": old_source, "après": None}
            for _ in range(args.repetitions):
                for name, source in variants.items():  # alternate: both see the same load
                    results.setdefault(name, []).append(_run(template, files, source))
    for name, runs in results.items():
        first = [r[0] for r in runs]
        second = [r[1] for r in runs]
        print(
            f"{name:>5} : premier import {spread([m.seconds for m in first])} s "
            f"(CPU {spread([m.cpu_seconds for m in first])} s), "
            f"pic RSS {spread([m.peak_rss_mb for m in first])} Mo, "
            f"pic PSS {spread([m.peak_pss_mb for m in first])} Mo ; "
            f"second import {spread([m.seconds for m in second])} s "
            f"(CPU {spread([m.cpu_seconds for m in second])} s), "
            f"pic RSS {spread([m.peak_rss_mb for m in second])} Mo ; "
            f"contours {runs[0][2]}"
        )
    after = results["après"]
    status = 0
    if "avant" in results:
        before = results["avant"]
        time_ratio = _median([m[0].seconds for m in before]) / _median(
            [m[0].seconds for m in after]
        )
        rss_ratio = _median([m[0].peak_rss_mb for m in before]) / _median(
            [m[0].peak_rss_mb for m in after]
        )
        print(f"après / avant : {time_ratio:.1f}× plus rapide, {rss_ratio:.1f}× moins de mémoire")
        if {r[2] for r in before} != {r[2] for r in after}:
            print("ERREUR : les contours enregistrés diffèrent entre avant et après")
            status = 1
    seconds = _median([m[0].seconds for m in after])
    peak = _median([m[0].peak_rss_mb for m in after])
    ok = seconds < TARGET_SECONDS and peak < TARGET_MB
    print(
        f"cible < {TARGET_SECONDS:.0f} s et < {TARGET_MB:.0f} Mo (RSS de tout l'arbre de "
        f"processus) : {seconds:.1f} s, {peak:.0f} Mo — {'OK' if ok else 'NON'}"
    )
    sys.exit(status or (0 if ok else 2))


def _median(values: list[float]) -> float:
    return sorted(values)[len(values) // 2]


if __name__ == "__main__":
    main()
