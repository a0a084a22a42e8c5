"""Benchmark the RPPS parser on a national-size file: parse time and peak memory.

Counts distinct professionals per (commune, category, mode of practice) with the pyarrow
reader, and optionally runs the line-by-line reader for comparison. Each measure runs in a
fresh process so that the peak resident memory (``resource.getrusage``) is its own.

Usage::

    python benchmarks/generate_rpps.py /tmp/bench/ps-libreacces-personne-activite.txt
    python benchmarks/bench_rpps.py /tmp/bench/ps-libreacces-personne-activite.txt [--python]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

TARGET_SECONDS = 60.0
TARGET_RSS_MB = 1536.0


def _measure(mode: str, path: Path) -> dict:
    from maillage.engine.sources import rpps

    start = time.perf_counter()
    if mode == "arrow":
        counts = rpps.count_professionals(path, merge_plm=True)
        result = {"groupes": counts.num_rows, "effectif": int(counts["effectif"].to_numpy().sum())}
    else:
        professionals = 0
        lines = 0
        seen: set[str] = set()
        for activity in rpps.iter_activities(path, merge_plm=True):
            lines += 1
            if activity.identifiant_national not in seen:
                seen.add(activity.identifiant_national)
                professionals += 1
        result = {"lignes": lines, "professionnels": professionals}
    result["secondes"] = round(time.perf_counter() - start, 2)
    # ru_maxrss is in kilobytes on Linux.
    result["rss_max_mo"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--python", action="store_true", help="also time the line reader")
    parser.add_argument("--child", choices=("arrow", "python"), help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.child:
        print(json.dumps(_measure(arguments.child, arguments.path)))
        return
    size = arguments.path.stat().st_size
    with open(arguments.path, "rb") as handle:
        lines = sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 24), b""))
    print(f"fichier : {arguments.path} — {size / 1e6:.0f} Mo, {lines} lignes (en-tête compris)")
    modes = ["arrow"] + (["python"] if arguments.python else [])
    for mode in modes:
        output = subprocess.run(
            [sys.executable, __file__, str(arguments.path), "--child", mode],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        result = json.loads(output.strip().splitlines()[-1])
        ratio_time = result["secondes"] / TARGET_SECONDS
        ratio_rss = result["rss_max_mo"] / TARGET_RSS_MB
        print(
            f"{mode:>6} : {result} — {ratio_time:.2f} × la cible de temps "
            f"({TARGET_SECONDS:.0f} s), {ratio_rss:.2f} × la cible mémoire "
            f"({TARGET_RSS_MB:.0f} Mo)"
        )


if __name__ == "__main__":
    main()
