"""Cost of the shared text layer (engine/sources/textinput.py) against reading without checks.

Usage: python benchmarks/bench_text_input.py [LINES]
Writes a synthetic RPPS-like file (about 500 bytes a line) and a travel-time CSV, then prints
the time of each reading and the ratio of the checked reading to the unchecked one.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from maillage.engine.sources.bytelines import iter_decoded_lines
from maillage.engine.sources.textinput import SPREADSHEET, TextStream, open_lines

LINE = (
    "8|10001234567|810001234567|DR|Docteur|M|Monsieur|EXEMPLE|Hélène|10|Médecin|C|Civil|S|"
    "Spécialité ordinale|SM54|Médecine Générale|L|Libéral|12345678900012||830000000||"
    "|MAISON DE SANTÉ DE BRIGNOLES||||12||R|Rue|DE LA RÉPUBLIQUE|||83170|83023|Brignoles|||"
    "||||83|Var|||SA08|Cabinet de groupe|||FON-01|Titulaire de cabinet|GENR01|Activité|\n"
).encode()


def best_of(function, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return min(times)


def plain_lines(path: Path) -> int:
    count = 0
    with open(path, "rb") as binary:
        for raw in binary:
            raw.decode("utf-8").rstrip("\r\n")
            count += 1
    return count


def checked_lines(path: Path) -> int:
    count = 0
    with open(path, "rb") as binary:
        for _ in iter_decoded_lines(path, binary):
            count += 1
    return count


def main() -> None:
    lines = int(sys.argv[1]) if len(sys.argv) > 1 else 400_000
    folder = Path(tempfile.mkdtemp(prefix="maillage-bench-text-"))
    activity = folder / "activite.txt"
    activity.write_bytes(LINE * lines)
    plain = best_of(lambda: plain_lines(activity))
    checked = best_of(lambda: checked_lines(activity))
    megabytes = activity.stat().st_size / 1e6
    print(f"lignes ({lines} lignes, {megabytes:.0f} Mo)")
    print(f"  décodage seul            : {plain:6.2f} s")
    print(f"  couche texte (contrôles) : {checked:6.2f} s   ratio {checked / plain:.2f}×")

    times = folder / "temps.csv"
    with open(times, "w", encoding="utf-8") as handle:
        handle.write("origine,destination,minutes\n")
        for i in range(lines):
            handle.write(f"{83000 + i % 700:05d},{83000 + i // 700 % 700:05d},{i % 90},5\n")

    def pandas_direct():
        pd.read_csv(times, dtype=str, keep_default_na=False)

    def pandas_checked():
        with open_lines(times, SPREADSHEET) as text:
            pd.read_csv(TextStream(text), dtype=str, keep_default_na=False)

    direct = best_of(pandas_direct)
    through = best_of(pandas_checked)
    print(f"CSV de temps de trajet avec pandas ({lines} lignes)")
    print(f"  pandas seul              : {direct:6.2f} s")
    print(f"  pandas sur la couche     : {through:6.2f} s   ratio {through / direct:.2f}×")


if __name__ == "__main__":
    main()
