"""A diagnosis from the command line on national data, against ``maillage commune CODE --json``.

Usage: python benchmarks/bench_snapshot.py [--base DIR] [--professionnels N] [--runs R]

Prepares once (and reuses on later runs) a SQLite database in DIR (default
``var/bench-snapshot``) with the national referential (découpage administratif + points: about
35 000 communes) and N generated professionals (default 1 000 000, with 1 250 000 activities,
100 000 establishments, 3 000 structures and 5 indicators: ``bench_diagnostic.generate_supply``).
With ``DATABASE_URL`` set, a THROWAWAY PostgreSQL database is used (filled if empty).

Then, in the same run, each figure a median of R whole processes:
1. the peer: ``maillage commune 83137 --json``;
2. ``maillage diagnostic --communes`` of 150 Var communes, the snapshot file present;
3. the same without the file (removed before each run): the rebuild every process paid before
   the snapshot was stored (one run);
4. ``maillage import indicateurs`` of one corrected value (the import builds the snapshot of
   the new version before it exits), then the first web request of a new process.

Prints the ratio of 2 to 1 (target ≤ 1.5) and exits 1 when it is missed or when the diagnosis
read from the file differs from the rebuilt one.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SHARED = ROOT / ".." / "shared" / "data"
TARGET = 1.5
MAILLAGE = Path(sys.executable).parent / "maillage"

PREPARE = """
import sys, time
from pathlib import Path
sys.path.insert(0, {benchmarks!r})
from maillage.web import setup
setup()
from django.apps import apps
from django.core.management import call_command
from django.db.models.signals import post_migrate
post_migrate.disconnect(sender=apps.get_app_config("supply"), dispatch_uid="supply-registry")
call_command("migrate", verbosity=0)
from maillage.web.territories.models import Commune
if not Commune.objects.exists():
    import bench_diagnostic
    from maillage.web.territories import importers
    shared = Path({shared!r})
    started = time.perf_counter()
    importers.import_etalab(shared / "decoupage-administratif-6.0.0")
    importers.import_points(shared / "communes-points" / "communes_2024_points_rcarlier.csv")
    bench_diagnostic.generate_supply({professionals})
    print(f"base préparée en {{time.perf_counter() - started:.0f}} s")
codes = Commune.objects.filter(departement_id="83", nature="COM", statut="actuelle")
print(",".join(codes.order_by("code").values_list("code", flat=True)[:150]))
"""

WEB_REQUEST = """
import json, sys, time
from maillage.web import setup
setup()
from django.test import Client
from maillage.web.diagnostics import snapshot_cache
client = Client(HTTP_HOST="localhost")
started = time.perf_counter()
response = client.get("/api/diagnostics/", {"communes": sys.argv[1]})
elapsed = time.perf_counter() - started
assert response.status_code == 200, response.content[:300]
print(json.dumps({"secondes": elapsed, "construits": snapshot_cache.stats.built,
                  "charges": snapshot_cache.stats.loaded}))
"""


def run(args: list, env: dict, check: bool = True) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if check and done.returncode != 0:
        sys.exit(f"échec de {' '.join(map(str, args[:3]))} : {done.stderr[-2000:]}")
    return elapsed, done.stdout


def median_of(runs: int, args: list, env: dict, before=None) -> tuple[float, str]:
    times, out = [], ""
    for _ in range(runs):
        if before:
            before()
        elapsed, out = run(args, env)
        times.append(elapsed)
    return statistics.median(times), out


def without_version(text: str) -> dict:
    result = json.loads(text)
    result.pop("version_donnees", None)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", type=Path, default=ROOT / "var" / "bench-snapshot")
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    parser.add_argument("--professionnels", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    base = args.base.resolve()
    base.mkdir(parents=True, exist_ok=True)
    snapshots = base / "instantanes"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "maillage.web.settings.dev",
        "MAILLAGE_DATA_DIR": str(base),
        "MAILLAGE_SNAPSHOT_DIR": str(snapshots),
    }
    database = os.environ.get("DATABASE_URL", f"SQLite {base / 'maillage.sqlite3'}")
    print(f"base : {database.split('@')[-1]}")
    prepare = PREPARE.format(
        benchmarks=str(ROOT / "benchmarks"),
        shared=str(args.shared.resolve()),
        professionals=args.professionnels,
    )
    _, out = run([sys.executable, "-c", prepare], env)
    *messages, codes = out.strip().splitlines()
    for message in messages:
        print(message)

    def remove_snapshots() -> None:
        for path in snapshots.glob("*.npz"):
            path.unlink()

    diagnostic = [MAILLAGE, "diagnostic", "--communes", codes]
    rebuilt_seconds, rebuilt = median_of(1, diagnostic, env, before=remove_snapshots)
    run(diagnostic, env)  # warm: the file of this version exists from here on
    peer, _ = median_of(args.runs, [MAILLAGE, "commune", "83137", "--json"], env)
    stored, loaded = median_of(args.runs, diagnostic, env)
    ratio = stored / peer
    print(f"maillage commune 83137 --json (pair)         : {peer:6.2f} s")
    print(f"maillage diagnostic (150 communes), fichier  : {stored:6.2f} s")
    print(f"  ratio au pair : {ratio:.2f} (objectif ≤ {TARGET})")
    print(f"maillage diagnostic sans fichier (reconstruit) : {rebuilt_seconds:6.2f} s")
    same = without_version(loaded) == without_version(rebuilt)
    print(f"diagnostic identique depuis le fichier et reconstruit : {'oui' if same else 'NON'}")

    corrected = base / "indicateur-corrige.csv"
    value = 1000 + int(time.time()) % 1000  # a new value on every run of the benchmark
    corrected.write_text(
        f"indicateur;code_insee;annee;numerateur;denominateur\n"
        f"bench_ald;83137;2024;{value};200000\n",
        encoding="utf-8",
    )
    imported, _ = run([MAILLAGE, "import", "indicateurs", str(corrected)], env)
    print(f"import d'une valeur corrigée, instantané compris : {imported:6.2f} s")
    _, out = run([sys.executable, "-c", WEB_REQUEST, codes], env)
    first = json.loads(out)
    print(
        "1re requête web d'un nouveau processus après l'import : "
        f"{first['secondes'] * 1000:6.0f} ms ({first['construits']} reconstruction, "
        f"{first['charges']} chargement du fichier)"
    )
    ok = ratio <= TARGET and same and first["construits"] == 0
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
