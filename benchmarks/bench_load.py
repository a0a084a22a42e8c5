"""Load benchmark: the public pages and API under gunicorn, production settings, 50 clients.

Usage::

    python benchmarks/bench_load.py [--clients 50] [--duree 60] [--chauffe 20]
        [--workers 5] [--threads 1] [--professionnels 100000] [--recreer-base] [SHARED_DATA]

Loads the national referential (découpage administratif + points, ~35 000 communes) and a
generated national-size supply (``bench_diagnostic.generate_supply``) into a base, collects the
static files (``maillage manage collectstatic``), starts ``gunicorn maillage.web.wsgi`` with
``maillage.web.settings.production`` and runs ``--clients`` clients for ``--duree`` seconds
after ``--chauffe`` seconds of warm-up
(every worker builds its diagnosis snapshot on its first diagnosis). Each client sends its next
request as soon as the previous answer is read, drawn from the mix:

    diagnosis API 35 %   GET /api/diagnostics/?communes=…   (1 to 150 neighbouring communes)
    diagnosis page 15 %  GET /diagnostic/territoire/?communes=…
    commune API 30 %     GET /api/communes/CODE
    search 10 %          GET /api/communes?q=…
    commune page 10 %    GET /communes/CODE/

Prints requests per second and p50 / p95 / p99 latencies (all requests and per kind), and
exits with status 1 when any answer is not a 200.

SQLite in a temporary directory by default; PostgreSQL when DATABASE_URL is set. The base must
be a THROWAWAY one: it must be empty, or ``--recreer-base`` drops and recreates it.

Production settings need their secrets (generated here) and keep HTTPS redirection off for
this plain-HTTP run (``MAILLAGE_SSL_REDIRECT=0``). The anonymous API budget (documented in
docs/diagnostic.md) is raised to 10⁹ requests per minute: 50 clients from one address would
otherwise measure the 429 answers. gunicorn is in the optional extra ``bench``:
``pip install -e '.[bench]'``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

import numpy as np

DEFAULT_SHARED = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"
MIX = {
    "API diagnostic": 35,
    "page diagnostic": 15,
    "API commune": 30,
    "recherche": 10,
    "page commune": 10,
}
SIZES = (1, 10, 50, 150)  # communes per diagnosed territory


# ---------------------------------------------------------------------------------------------
# Data


def prepare_base(shared: Path, professionals: int, recreate: bool, environment: dict) -> dict:
    """Fill the base, collect static files; return the territories and communes to ask for."""
    os.environ.update(environment)
    os.environ["DJANGO_SETTINGS_MODULE"] = "maillage.web.settings.dev"
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        _fresh_postgres(os.environ["DATABASE_URL"], recreate)
    from maillage.web import setup

    setup()
    from django.apps import apps
    from django.core.management import call_command
    from django.db import connection
    from django.db.models.signals import post_migrate

    from maillage.web.territories import importers

    print(f"base : {connection.vendor} ({connection.settings_dict['NAME']})")
    # As bench_diagnostic: the benchmark defines its own indicators.
    post_migrate.disconnect(sender=apps.get_app_config("supply"), dispatch_uid="supply-registry")
    call_command("migrate", verbosity=0)
    step = time.perf_counter()
    importers.import_etalab(shared / "decoupage-administratif-6.0.0")
    importers.import_points(shared / "communes-points" / "communes_2024_points_rcarlier.csv")
    print(f"référentiel national chargé : {time.perf_counter() - step:6.1f} s")
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bench_diagnostic import generate_supply

    step = time.perf_counter()
    generate_supply(professionals)
    print(f"offre générée ({professionals} professionnels) : {time.perf_counter() - step:6.1f} s")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    targets = _targets()
    connection.close()
    return targets


def _fresh_postgres(url: str, recreate: bool) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (name,)
        ).fetchone()
        if exists and recreate:
            connection.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')
            return
    with psycopg.connect(url) as connection:
        tables = connection.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
        ).fetchone()[0]
    if tables:
        raise SystemExit(
            f"la base {name} contient déjà des tables : base jetable attendue "
            "(--recreer-base pour la supprimer et la recréer)"
        )


def _targets() -> dict:
    """Commune codes, name prefixes and territories of neighbouring communes."""
    from maillage.web.territories.models import Commune

    rows = list(
        Commune.objects.filter(statut="actuelle", centre_lat__isnull=False).values_list(
            "code", "nom", "centre_lat", "centre_lon"
        )
    )
    codes = np.array([r[0] for r in rows], dtype=object)
    lat = np.radians([r[2] for r in rows])
    lon = np.radians([r[3] for r in rows])
    rng = np.random.default_rng(2026)
    territories = []
    for centre in rng.choice(codes.size, 200, replace=False):
        # Nearest communes by the haversine formula (any Earth radius orders them the same).
        h = (
            np.sin((lat - lat[centre]) / 2) ** 2
            + np.cos(lat) * np.cos(lat[centre]) * np.sin((lon - lon[centre]) / 2) ** 2
        )
        size = SIZES[len(territories) % len(SIZES)]
        territories.append(",".join(codes[np.argsort(h)[:size]]))
    names = sorted({r[1][:4] for r in rows if len(r[1]) >= 4})
    return {"communes": codes.tolist(), "territories": territories, "names": names}


# ---------------------------------------------------------------------------------------------
# Server


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_gunicorn(port: int, workers: int, threads: int, environment: dict):
    gunicorn = Path(sys.executable).with_name("gunicorn")
    if not gunicorn.exists():
        raise SystemExit("gunicorn absent : pip install -e '.[bench]'")
    command = [
        str(gunicorn),
        "maillage.web.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--timeout",
        "300",
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(command, env=environment, start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server
        except OSError:
            if server.poll() is not None:
                raise SystemExit("gunicorn s'est arrêté au démarrage") from None
            time.sleep(0.5)
    server.terminate()
    raise SystemExit("gunicorn ne répond pas")


# ---------------------------------------------------------------------------------------------
# Clients: HTTP/1.1 on asyncio streams (keep-alive when the server keeps the connection)


class Connection:
    def __init__(self, port: int):
        self.port = port
        self.reader = self.writer = None

    async def get(self, path: str) -> tuple[int, int]:
        """Status and body size of ``GET path`` (reconnects when the server closed)."""
        for attempt in (1, 2):
            if self.writer is None:
                self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
            request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: */*\r\n\r\n"
            try:
                self.writer.write(request.encode("ascii"))
                await self.writer.drain()
                return await self._response()
            except (ConnectionError, asyncio.IncompleteReadError):
                self.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    async def _response(self) -> tuple[int, int]:
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers = {}
        for line in lines[1:]:
            if ":" in line:
                key, value = line.split(":", 1)
                headers[key.strip().lower()] = value.strip().lower()
        if "content-length" in headers:
            size = int(headers["content-length"])
            await self.reader.readexactly(size)
        elif headers.get("transfer-encoding") == "chunked":
            size = 0
            while True:
                chunk = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
                await self.reader.readexactly(chunk + 2)
                size += chunk
                if chunk == 0:
                    break
        else:
            size = len(await self.reader.read())
            headers["connection"] = "close"
        if headers.get("connection") == "close":
            self.close()
        return status, size

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


def request_path(kind: str, rng: random.Random, targets: dict) -> str:
    if kind in ("API diagnostic", "page diagnostic"):
        query = urlencode({"communes": rng.choice(targets["territories"])}, safe=",")
        base = "/api/diagnostics/" if kind == "API diagnostic" else "/diagnostic/territoire/"
        return f"{base}?{query}"
    if kind == "API commune":
        return f"/api/communes/{rng.choice(targets['communes'])}"
    if kind == "page commune":
        return f"/communes/{rng.choice(targets['communes'])}/"
    return f"/api/communes?q={quote(rng.choice(targets['names']))}"


async def client(number, port, targets, stop_at, results, errors) -> None:
    rng = random.Random(number)
    kinds, weights = list(MIX), list(MIX.values())
    connection = Connection(port)
    try:
        while time.perf_counter() < stop_at:
            kind = rng.choices(kinds, weights)[0]
            path = request_path(kind, rng, targets)
            started = time.perf_counter()
            try:
                status, _size = await connection.get(path)
            except (OSError, asyncio.IncompleteReadError) as error:
                errors.append(f"{kind} : {error}")
                continue
            results.append((kind, time.perf_counter() - started, status))
            if status != 200:
                errors.append(f"{kind} : HTTP {status} ({path[:80]})")
    finally:
        connection.close()


async def run_clients(port, targets, clients, seconds, first):
    results, errors = [], []
    stop_at = time.perf_counter() + seconds
    await asyncio.gather(
        *(client(first + n, port, targets, stop_at, results, errors) for n in range(clients))
    )
    return results, errors


# ---------------------------------------------------------------------------------------------


def percentiles(latencies: list[float]) -> str:
    values = np.array(latencies) * 1000
    p50, p95, p99 = np.percentile(values, [50, 95, 99])
    return f"p50 {p50:7.1f} ms   p95 {p95:7.1f} ms   p99 {p99:7.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("shared", nargs="?", type=Path, default=DEFAULT_SHARED)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--duree", type=float, default=60.0, help="secondes mesurées")
    parser.add_argument("--chauffe", type=float, default=20.0, help="secondes de chauffe")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--threads", type=int, default=1, help="fils par worker (gthread)")
    parser.add_argument("--professionnels", type=int, default=100_000)
    parser.add_argument("--recreer-base", action="store_true", help="PostgreSQL : recrée la base")
    args = parser.parse_args()

    folder = tempfile.mkdtemp(prefix="maillage-bench-load-")
    environment = {"MAILLAGE_DATA_DIR": folder}
    targets = prepare_base(
        args.shared.resolve(), args.professionnels, args.recreer_base, environment
    )
    server_environment = os.environ | {
        "DJANGO_SETTINGS_MODULE": "maillage.web.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "MAILLAGE_SECRET_STATISTIQUE_CLE": secrets.token_urlsafe(48),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "MAILLAGE_SSL_REDIRECT": "0",
        "MAILLAGE_API_BUDGET_REQUETES": str(10**9),
        "MAILLAGE_API_BUDGET_SECONDES": "60",
    }
    # With the production storage (hashed names and their manifest), as a deployment does.
    subprocess.run(
        [sys.executable, "-m", "maillage.cli", "manage", "collectstatic", "--noinput", "-v", "0"],
        env=server_environment,
        check=True,
    )
    port = free_port()
    server = start_gunicorn(port, args.workers, args.threads, server_environment)
    try:
        print(
            f"gunicorn : {args.workers} workers × {args.threads} fil(s), "
            f"{args.clients} clients, chauffe {args.chauffe:g} s, mesure {args.duree:g} s"
        )
        asyncio.run(run_clients(port, targets, args.clients, args.chauffe, 10_000))
        started = time.perf_counter()
        results, errors = asyncio.run(run_clients(port, targets, args.clients, args.duree, 0))
        elapsed = time.perf_counter() - started
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)
    print(f"requêtes : {len(results)} en {elapsed:.1f} s — {len(results) / elapsed:.1f} req/s")
    print(f"{'toutes':16s} {percentiles([r[1] for r in results])}")
    for kind in MIX:
        latencies = [r[1] for r in results if r[0] == kind]
        if latencies:
            share = 100 * len(latencies) / len(results)
            print(f"{kind:16s} {percentiles(latencies)}   ({share:4.1f} %)")
    if errors:
        print(f"ÉCHEC : {len(errors)} réponse(s) en erreur, par exemple :")
        for error in sorted(set(errors))[:10]:
            print(f"  {error}")
        sys.exit(1)
    print(f"médiane globale : {statistics.median(r[1] for r in results) * 1000:.1f} ms ; OK")


if __name__ == "__main__":
    main()
