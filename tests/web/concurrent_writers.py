"""Agents entering contacts through the web while an import runs (issue 11 item 11).

Run as its own process on the file-backed database of ``MAILLAGE_DATA_DIR`` (settings
``maillage.web.settings.dev`` unless ``DJANGO_SETTINGS_MODULE`` says otherwise), as the web
server would be next to a ``maillage import`` process:

    python tests/web/concurrent_writers.py --prepare          # once: schema + small referential
    python tests/web/concurrent_writers.py --agents 5 --stop-file PATH

``--prepare`` migrates the database and adds a département « 00 » with one commune, fifty
professionals and the CPAM agent account ``agent`` (like the demo, lighter). Each agent (a
thread with its own database connection) logs in as ``agent`` and posts the contact form in a
loop until ``PATH`` exists (or ``--seconds`` elapse). One JSON line is printed at the end:
writes done, failures (status or exception) and write latencies in milliseconds.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import threading
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--prepare", action="store_true")
    parser.add_argument("--agents", type=int, default=5)
    parser.add_argument("--stop-file", type=Path)
    parser.add_argument("--ready-file", type=Path)
    parser.add_argument("--seconds", type=float, default=600)
    parser.add_argument("--pause", type=float, default=0.05)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maillage.web.settings.dev")
    from maillage.web import setup

    setup()
    if args.prepare:
        prepare()
        return
    from django.db import connection
    from django.test import Client

    from maillage.web.accounts.models import User
    from maillage.web.outreach.services import professionals_in

    agent = User.objects.get(username="agent")
    codes = list(agent.departements.values_list("code", flat=True))
    rpps = list(professionals_in(codes).values_list("identifiant_national", flat=True)[:50])
    connection.close()
    results: dict[str, list] = {"latencies": [], "failures": []}
    lock = threading.Lock()
    deadline = time.monotonic() + args.seconds

    def enter_contacts(number: int) -> None:
        from django.db import connection

        client = Client(HTTP_HOST="localhost", raise_request_exception=False)
        client.force_login(agent)
        done = 0
        while not args.stop_file.exists() and time.monotonic() < deadline:
            data = {
                "rpps": rpps[(number * 7 + done) % len(rpps)],
                "canal": "telephone",
                "date": dt.date.today().isoformat(),
                "equipe": "DAM",
                "sujet": f"essai de charge {number}-{done}",
                "resultat": "realise",
            }
            started = time.monotonic()
            try:
                response = client.post("/accompagnement/contacts/nouveau/", data)
                failure = None if response.status_code == 302 else f"HTTP {response.status_code}"
            except Exception as error:  # every failure is reported, whatever it is
                failure = repr(error)
            elapsed = (time.monotonic() - started) * 1000
            with lock:
                results["latencies"].append(elapsed)
                if failure:
                    results["failures"].append(failure)
            done += 1
            time.sleep(args.pause)
        connection.close()

    threads = [threading.Thread(target=enter_contacts, args=(n,)) for n in range(args.agents)]
    for thread in threads:
        thread.start()
    if args.ready_file:
        args.ready_file.write_text("prêt")
    for thread in threads:
        thread.join()
    latencies = sorted(results["latencies"])
    summary = {
        "writes": len(latencies) - len(results["failures"]),
        "failures": results["failures"][:20],
        "failure_count": len(results["failures"]),
        "max_ms": round(latencies[-1]) if latencies else None,
        "p99_ms": round(latencies[int(0.99 * (len(latencies) - 1))]) if latencies else None,
    }
    json.dump(summary, sys.stdout)
    sys.stdout.write("\n")


def prepare() -> None:
    from django.core.management import call_command

    from maillage.web.accounts.models import User
    from maillage.web.accounts.roles import Role, role_group
    from maillage.web.supply.models import Activity, Professional
    from maillage.web.territories.models import Commune, Departement, Region

    call_command("migrate", interactive=False, verbosity=0)
    region = Region.objects.create(code="99", nom="Région fictive")
    departement = Departement.objects.create(code="00", nom="Département fictif", region=region)
    Commune.objects.create(
        code="00001", nom="Port-Fictif", departement=departement, region=region, population=900
    )
    for number in range(50):
        professional = Professional.objects.create(
            identifiant_national=f"8{number + 10_000_000_000:011d}",
            type_identifiant="8",
            nom=f"ESSAI{number}",
            prenom="Alex",
            code_profession="10",
            libelle_profession="Médecin",
            categorie="medecin_generaliste",
        )
        Activity.objects.create(professional=professional, commune_id="00001", mode_exercice="L")
    agent = User.objects.create_user(username="agent", password="x" * 20)
    agent.groups.add(role_group(Role.AGENT_CPAM))
    agent.departements.set([departement])


if __name__ == "__main__":
    main()
