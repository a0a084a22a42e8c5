"""Start-up of the ``maillage`` command: time of short commands, and what they import.

Usage::

    python benchmarks/bench_cli_startup.py [--repeat 7] [--reference SRC] [SHARED_DATA]

For each command: the best wall-clock time of ``--repeat`` runs in a new process, the CPU
time (user + system) of that run, and whether numpy, pandas, pyarrow, scipy or yaml were
imported (``python -X importtime``). ``maillage commune 83137 --json`` reads a SQLite base
made in a temporary directory (communes of the Var from ../shared/data).

``--reference SRC`` measures the same commands with the ``src`` folder of another checkout
(for example ``git worktree add --detach /tmp/avant <commit>``, then ``/tmp/avant/src``) put
first on ``PYTHONPATH``, with the same installed libraries, and prints the ratio before / after.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SHARED = ROOT / ".." / "shared" / "data"
HEAVY = ("numpy", "pandas", "pyarrow", "scipy", "yaml", "django")
COMMANDS = {
    "--help": ["--help"],
    "aides": [
        "aides",
        "--zone",
        "ZIP",
        "--profession",
        "medecin_generaliste",
        "--date",
        "2026-03-01",
        "--premiere-installation",
    ],
    "aci calcul": ["aci", "calcul", "docs/exemples/contrat-cpts-taille3-2022.json"],
    "parametres": ["parametres"],
    "commune --json": ["commune", "83137", "--json"],
}


def run(python: str, arguments: list[str], environment: dict) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(
        [python, "-m", "maillage.cli", *arguments],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=environment,
        check=False,
    )
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"maillage {' '.join(arguments)} a échoué :\n{done.stderr[-2000:]}")
    return elapsed, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def heavy_imports(python: str, arguments: list[str], environment: dict) -> list[str]:
    done = subprocess.run(
        [python, "-X", "importtime", "-m", "maillage.cli", *arguments],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=environment,
        check=False,
    )
    names = {
        line.rsplit("|", 1)[1].strip().split(".")[0]
        for line in done.stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    }
    return [name for name in HEAVY if name in names]


def prepare_base(python: str, shared: Path, folder: Path, source: Path | None) -> dict:
    """A SQLite base with the communes of the Var, made by the maillage measured."""
    environment = os.environ | {
        "MAILLAGE_DATA_DIR": str(folder),
        "DJANGO_SETTINGS_MODULE": "maillage.web.settings.dev",
    }
    if source is not None:
        environment["PYTHONPATH"] = str(source)
    etalab = shared / "decoupage-administratif-6.0.0"
    for arguments in (
        ["manage", "migrate", "--verbosity", "0"],
        ["import", "communes-etalab", str(etalab), "--departement", "83"],
    ):
        subprocess.run(
            [python, "-m", "maillage.cli", *arguments],
            cwd=ROOT,
            env=environment,
            check=True,
            capture_output=True,
        )
    return environment


def measure(repeat: int, shared: Path, folder: Path, source: Path | None = None) -> dict:
    python = sys.executable
    environment = prepare_base(python, shared, folder, source)
    results = {}
    for label, arguments in COMMANDS.items():
        best = min(run(python, arguments, environment) for _ in range(repeat))
        results[label] = (*best, heavy_imports(python, arguments, environment))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("shared", nargs="?", type=Path, default=DEFAULT_SHARED)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--reference", type=Path, help="dossier src d'une autre version")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="maillage-bench-cli-") as directory:
        shared = args.shared.resolve()
        ours = measure(args.repeat, shared, Path(directory) / "a")
        reference = None
        if args.reference:
            folder = Path(directory) / "b"
            reference = measure(args.repeat, shared, folder, args.reference.resolve())
    print(f"{'commande':16s} {'temps':>8s} {'CPU':>7s}  bibliothèques importées")
    for label, (wall, cpu, heavy) in ours.items():
        line = f"{label:16s} {wall:7.3f}s {cpu:6.3f}s  {', '.join(heavy) or '—'}"
        if reference:
            old_wall, old_cpu, old_heavy = reference[label]
            line += (
                f"\n{'  référence':16s} {old_wall:7.3f}s {old_cpu:6.3f}s  "
                f"{', '.join(old_heavy) or '—'}  (rapport : {old_wall / wall:.1f} ×, "
                f"CPU {old_cpu / cpu:.1f} ×)"
            )
        print(line)


if __name__ == "__main__":
    main()
