"""Benchmark the national RPPS import (``maillage import rpps``): time and peak memory.

A fresh SQLite database gets every commune of the découpage administratif (not measured,
for the commune and postcode lookups); then ``maillage import rpps FILE`` runs twice as a
separate process — first import (everything created), second (everything unchanged) — whose
wall time and peak memory (the process and its children) are measured. With ``--avant REV``
the same runs, alternated in the same session, use the code of revision ``REV`` (checked out
in a temporary git worktree), and the imported tables of both are compared: they must be
identical, row ids included.

Usage::

    python benchmarks/generate_rpps.py /tmp/bench/ps-libreacces-personne-activite.txt
    python benchmarks/bench_import_rpps.py /tmp/bench/ps-libreacces-personne-activite.txt \
        [--avant main~1] [--repetitions 3]

Target (issue 14 §5): peak memory < 600 MB at the speed of the previous import. Exits with
status 1 when the tables differ, 2 when the target is missed.
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
TARGET_RSS_MB = 600.0
TABLES = {
    "supply_professional": "id",
    "supply_activity": "id",
    "supply_supplyimport": "id",
}
IGNORED = {"supply_supplyimport": {"date_import", "fichier"}}


def _maillage(*arguments: str) -> list[str]:
    return [sys.executable, "-c", "from maillage.cli import main; main()", *arguments]


def _prepare(directory: Path, etalab: Path) -> Path:
    env = environment(directory)
    for command in (
        _maillage("manage", "migrate", "--verbosity", "0"),
        _maillage("import", "communes-etalab", str(etalab)),
    ):
        measure = run_measured(command, env=env)
        if measure.returncode:
            sys.exit(f"préparation impossible : {measure.stderr}")
    return directory / "maillage.sqlite3"


def _digest(database: Path) -> str:
    """Fingerprint of the imported tables (timestamps and file names left out)."""
    connection = sqlite3.connect(database)
    digest = hashlib.sha256()
    try:
        for table, key in TABLES.items():
            columns = [
                row[1]
                for row in connection.execute(f"PRAGMA table_info({table})")
                if row[1] not in IGNORED.get(table, ())
            ]
            cursor = connection.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY {key}")
            while rows := cursor.fetchmany(100_000):
                digest.update(repr(rows).encode())
    finally:
        connection.close()
    return digest.hexdigest()[:16]


def _run(template: Path, path: Path, source: Path | None) -> tuple[Measure, Measure, str]:
    with tempfile.TemporaryDirectory(prefix="maillage-rpps-") as directory:
        data = Path(directory)
        shutil.copy(template, data / "maillage.sqlite3")
        env = environment(data, source)
        runs = []
        for _ in range(2):
            measure = run_measured(_maillage("import", "rpps", str(path), "--json"), env=env)
            if measure.returncode:
                sys.exit(f"échec de l'import :\n{measure.stderr[-3000:]}")
            runs.append(measure)
        return runs[0], runs[1], _digest(data / "maillage.sqlite3")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--avant", help="révision à mesurer aussi (ex. main~1)")
    parser.add_argument("--repetitions", type=int, default=1)
    parser.add_argument("--etalab", type=Path, default=SHARED / "decoupage-administratif-6.0.0")
    args = parser.parse_args()
    print(f"fichier : {args.path} ({args.path.stat().st_size / 1e6:.0f} Mo)")
    results: dict[str, list[tuple[Measure, Measure, str]]] = {}
    with tempfile.TemporaryDirectory(prefix="maillage-modele-") as directory:
        template = _prepare(Path(directory), args.etalab)
        checkout = baseline_checkout(args.avant) if args.avant else None
        with checkout if checkout else contextlib.nullcontext() as old_source:
            variants = {"avant": old_source, "après": None} if args.avant else {"après": None}
            for _ in range(args.repetitions):
                for name, source in variants.items():  # alternated: both share the load
                    results.setdefault(name, []).append(_run(template, args.path, source))
    for name, runs in results.items():
        for label, index in (("premier import", 0), ("second import", 1)):
            measures = [run[index] for run in runs]
            print(
                f"{name:>5}, {label} : {spread([m.seconds for m in measures])} s "
                f"(CPU {spread([m.cpu_seconds for m in measures])} s), "
                f"pic RSS {spread([m.peak_rss_mb for m in measures])} Mo, "
                f"pic PSS {spread([m.peak_pss_mb for m in measures])} Mo"
            )
        print(f"{name:>5}, tables : {sorted({run[2] for run in runs})}")
    status = 0
    after = results["après"]
    if "avant" in results:
        before = results["avant"]
        for label, index in (("premier import", 0), ("second import", 1)):
            seconds = _median([r[index].seconds for r in before]) / _median(
                [r[index].seconds for r in after]
            )
            memory = _median([r[index].peak_rss_mb for r in before]) / _median(
                [r[index].peak_rss_mb for r in after]
            )
            print(f"{label}, avant / après : temps × {seconds:.2f}, mémoire × {memory:.2f}")
        if {r[2] for r in before} != {r[2] for r in after}:
            print("ERREUR : les tables importées diffèrent entre avant et après")
            status = 1
    peak = max(_median([r[index].peak_rss_mb for r in after]) for index in (0, 1))
    ok = peak < TARGET_RSS_MB
    print(
        f"cible < {TARGET_RSS_MB:.0f} Mo (RSS de tout l'arbre de processus) : "
        f"{peak:.0f} Mo — {'OK' if ok else 'NON'}"
    )
    sys.exit(status or (0 if ok else 2))


def _median(values: list[float]) -> float:
    return sorted(values)[len(values) // 2]


if __name__ == "__main__":
    main()
