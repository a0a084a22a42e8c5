"""Benchmark the full RPPS database import (``maillage import rpps``) on a national-size file.

Runs in a fresh process with a fresh SQLite database: migrate, load every commune of the
découpage administratif (for the commune and postcode lookups), then time the first import
(everything created) and a second one on the same file (everything unchanged). Prints the
times and the peak resident memory of the process.

Usage::

    python benchmarks/generate_rpps.py /tmp/bench/ps-libreacces-personne-activite.txt
    python benchmarks/bench_import_rpps.py /tmp/bench/ps-libreacces-personne-activite.txt \
        [--etalab ../shared/data/decoupage-administratif-6.0.0]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_SECONDS = 60.0
TARGET_RSS_MB = 1536.0
DEFAULT_ETALAB = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"
DEFAULT_ETALAB = DEFAULT_ETALAB / "decoupage-administratif-6.0.0"


def _child(path: Path, etalab: Path) -> dict:
    from maillage.web import setup

    setup()
    from django.core.management import call_command

    from maillage.web.supply.importers import import_rpps
    from maillage.web.territories.importers import import_etalab

    call_command("migrate", verbosity=0)
    if etalab.is_dir():
        import_etalab(etalab)
    result = {}
    for run in ("premier_import", "second_import"):
        start = time.perf_counter()
        report = import_rpps(path)
        result[run] = {"secondes": round(time.perf_counter() - start, 1), "comptes": report.counts}
    result["pic_rss_mo"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--etalab", type=Path, default=DEFAULT_ETALAB)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_child(args.path, args.etalab), ensure_ascii=False))
        return
    with tempfile.TemporaryDirectory() as data_dir:
        env = {**os.environ, "MAILLAGE_DATA_DIR": data_dir}
        output = subprocess.run(
            [sys.executable, __file__, str(args.path), "--etalab", str(args.etalab), "--child"],
            check=True,
            capture_output=True,
            text=True,
            env=env,
        ).stdout
    result = json.loads(output.strip().splitlines()[-1])
    size = args.path.stat().st_size / 1e6
    print(f"fichier : {args.path} ({size:.0f} Mo)")
    for run in ("premier_import", "second_import"):
        print(f"{run.replace('_', ' ')} : {result[run]['secondes']} s — {result[run]['comptes']}")
    print(f"pic de mémoire (RSS) : {result['pic_rss_mo']} Mo")
    ok = (
        result["premier_import"]["secondes"] < TARGET_SECONDS
        and result["pic_rss_mo"] < TARGET_RSS_MB
    )
    print(f"cible < {TARGET_SECONDS:.0f} s et < {TARGET_RSS_MB:.0f} Mo : {'OK' if ok else 'NON'}")


if __name__ == "__main__":
    main()
