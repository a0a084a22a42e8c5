"""Diagnosis of 1, 10, 150 and 1 500 communes with national data loaded.

Usage: python benchmarks/bench_diagnostic.py [--professionnels N] [SHARED_DATA]

Loads the national referential (découpage administratif + points: ~35 000 communes) and the
Var / Bouches-du-Rhône outlines (for the PDF map), generates national-size supply (by default
1 000 000 professionals, 1 250 000 activities, 100 000 establishments, 3 000 structures, five
registry indicators on every commune), then prints:
- the cold time (first diagnosis: snapshot arrays built from the database), the data version
  read by every diagnosis and the load of the stored snapshot by a new process,
- the warm time of a diagnosis (median of 7, data-version query included) for territories
  of 1, 10, 150 and 1 500 communes (nearest communes of Toulon),
- the PDF time of the 150-commune territory.

SQLite in a temporary directory by default; PostgreSQL when DATABASE_URL is set (it must name
a THROWAWAY database: the script migrates it and fills it).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

DEFAULT_SHARED = Path(__file__).parents[1] / ".." / "shared" / "data"
CATEGORY_WEIGHTS = {
    "infirmier": 0.38,
    "medecin_generaliste": 0.08,
    "medecin_specialiste": 0.1,
    "pharmacien": 0.07,
    "masseur_kinesitherapeute": 0.08,
    "chirurgien_dentiste": 0.04,
    "sage_femme": 0.02,
    "orthophoniste": 0.02,
    "pedicure_podologue": 0.01,
    "psychologue": 0.06,
    "osteopathe": 0.03,
    "orthoptiste": 0.01,
    "opticien_lunetier": 0.03,
    "dieteticien": 0.01,
    "ergotherapeute": 0.01,
    "psychomotricien": 0.01,
    "audioprothesiste": 0.01,
    "manipulateur_erm": 0.03,
}


def insert(table: str, columns: list[str], rows, chunk: int = 50_000) -> None:
    from django.db import connection, transaction

    placeholders = ", ".join(["%s"] * len(columns))
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})"
    with transaction.atomic(), connection.cursor() as cursor:
        for start in range(0, len(rows), chunk):
            cursor.executemany(sql, rows[start : start + chunk])


def generate_supply(n_prof: int, seed: int = 2026) -> None:
    from maillage.web.territories.models import Commune

    rng = np.random.default_rng(seed)
    communes = list(
        Commune.objects.filter(
            nature="COM", statut="actuelle", population__isnull=False
        ).values_list("code", "population", "centre_lon", "centre_lat")
    )
    codes = np.array([c[0] for c in communes], dtype=object)
    weights = np.array([c[1] for c in communes], dtype=np.float64) + 50
    weights /= weights.sum()
    cats = list(CATEGORY_WEIGHTS)
    p = np.array(list(CATEGORY_WEIGHTS.values()))
    category = rng.choice(len(cats), n_prof, p=p / p.sum())
    births = rng.integers(1950, 2000, n_prof)
    known = rng.random(n_prof) < 0.9
    insert(
        "supply_professional",
        [
            "id",
            "identifiant_national",
            "type_identifiant",
            "nom",
            "prenom",
            "code_profession",
            "libelle_profession",
            "categorie",
            "specialite",
            "annee_naissance",
            "actif",
            "empreinte_activites",
        ],
        [
            (
                i + 1,
                f"1{i:010d}",
                "8",
                f"N{i}",
                "P",
                "10",
                "",
                cats[category[i]],
                "",
                int(births[i]) if known[i] else None,
                True,
                "",
            )
            for i in range(n_prof)
        ],
    )
    n_act = int(n_prof * 1.25)
    prof = np.concatenate([np.arange(n_prof), rng.integers(0, n_prof, n_act - n_prof)]) + 1
    where = rng.choice(codes.size, n_act, p=weights)
    liberal = rng.random(n_act) < 0.6
    insert(
        "supply_activity",
        [
            "professional_id",
            "commune_id",
            "code_postal",
            "code_commune",
            "origine_commune",
            "mode_exercice",
            "secteur_activite",
            "finess_site",
            "siret",
            "raison_sociale",
        ],
        [
            (
                int(prof[i]),
                codes[where[i]],
                "",
                codes[where[i]],
                "commune",
                "L" if liberal[i] else "S",
                "",
                "",
                "",
                "",
            )
            for i in range(n_act)
        ],
    )
    classes = [
        "hopital",
        "clinique",
        "ehpad",
        "pharmacie",
        "laboratoire",
        "maison_sante",
        "centre_sante",
        "cmp",
        "ssiad",
        "dialyse",
    ]
    n_etab = 100_000
    at = rng.choice(codes.size, n_etab, p=weights)
    insert(
        "supply_establishment",
        [
            "finess",
            "finess_ej",
            "nom",
            "nom_long",
            "categorie",
            "categorie_libelle",
            "classe",
            "commune_id",
            "code_insee",
            "adresse",
            "lon",
            "lat",
            "geocodage_commune",
            "siret",
        ],
        [
            (
                f"9{i:08d}",
                "",
                f"Établissement {i}",
                "",
                "000",
                "",
                classes[i % len(classes)],
                codes[at[i]],
                codes[at[i]],
                "",
                (communes[at[i]][2] or 0) + rng.normal(0, 0.01),
                (communes[at[i]][3] or 0) + rng.normal(0, 0.01),
                False,
                "",
            )
            for i in range(n_etab)
        ],
    )
    n_struct = 3_000
    insert(
        "supply_structure",
        ["id", "kind", "identifiant", "nom", "commune_id", "source"],
        [
            (
                i + 1,
                ("MSP", "CDS", "CPTS")[i % 3],
                f"B{i}",
                f"Structure {i}",
                codes[rng.integers(codes.size)],
                "import",
            )
            for i in range(n_struct)
        ],
    )
    pairs = {
        (s + 1, int(c)) for s in range(2, n_struct, 3) for c in rng.integers(0, codes.size, 25)
    }
    insert(
        "supply_structurecommune",
        ["structure_id", "commune_id"],
        [(s, codes[c]) for s, c in sorted(pairs)],
    )
    # (code, label, unit, factor, numerator, denominator, aggregation, public numerator)
    definitions = [
        ("bench_ald", "Part des patients en ALD", "%", 100.0, "patients en ALD", "assurés",
         "ratio", ""),
        ("bench_c2s", "Part des bénéficiaires C2S", "%", 100.0, "bénéficiaires", "assurés",
         "ratio", ""),
        ("bench_sans_mt", "Patients sans médecin traitant", "%", 100.0, "patients", "assurés",
         "ratio", ""),
        ("bench_depistage", "Dépistage du cancer du sein", "%", 100.0, "dépistées",
         "femmes 50-74 ans", "ratio", ""),
        ("bench_apl", "APL médecins généralistes", "consultations/an/hab.", 1.0,
         "APL × population", "population", "moyenne_ponderee", "DREES"),
    ]  # fmt: skip
    from maillage.web.supply.models import IndicatorDefinition

    for code, libelle, unite, facteur, num, den, agregation, public in definitions:
        IndicatorDefinition.objects.update_or_create(
            code=code,
            defaults={
                "libelle": libelle,
                "unite": unite,
                "facteur": facteur,
                "numerateur": num,
                "denominateur": den,
                "source": "benchmark",
                "millesime": "2024",
                "agregation": agregation,
                "secret": "patients",
                "numerateur_public": public,
                "denominateur_public": "INSEE" if public else "",
            },
        )
        pops = np.round(weights * 68e6)
        values = (
            rng.uniform(1, 5, codes.size) * pops
            if public
            else np.round(pops * rng.uniform(0.05, 0.3, codes.size))
        )
        insert(
            "supply_indicatorvalue",
            ["indicator_id", "commune_id", "annee", "numerateur", "denominateur"],
            [(code, codes[i], 2024, float(values[i]), float(pops[i])) for i in range(codes.size)],
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("shared", nargs="?", default=str(DEFAULT_SHARED))
    parser.add_argument("--professionnels", type=int, default=1_000_000)
    args = parser.parse_args()
    shared = Path(args.shared).resolve()
    directory = tempfile.mkdtemp(prefix="maillage-bench-diag-")
    os.environ["MAILLAGE_DATA_DIR"] = directory
    os.environ["DJANGO_SETTINGS_MODULE"] = "maillage.web.settings.dev"
    from maillage.web import setup

    setup()
    from django.core.management import call_command
    from django.db import connection

    from maillage.web.diagnostics import services, views
    from maillage.web.territories import importers

    print(f"base : {connection.vendor} ({connection.settings_dict['NAME']})")
    from django.apps import apps
    from django.db.models.signals import post_migrate

    # The benchmark defines its own indicators; skip the supply registry sync at migrate
    # (it does not need it, and keeps the benchmark independent of the registry file).
    post_migrate.disconnect(sender=apps.get_app_config("supply"), dispatch_uid="supply-registry")
    call_command("migrate", verbosity=0)
    step = time.perf_counter()
    importers.import_etalab(shared / "decoupage-administratif-6.0.0")
    importers.import_points(shared / "communes-points" / "communes_2024_points_rcarlier.csv")
    geo = shared / "communes-geojson-2018" / "departements"
    importers.import_geojson(
        [
            geo / "83-var" / "communes-83-var.geojson",
            geo / "13-bouches-du-rhone" / "communes-13-bouches-du-rhone.geojson",
        ]
    )
    print(f"référentiel national chargé : {time.perf_counter() - step:6.1f} s")
    step = time.perf_counter()
    generate_supply(args.professionnels)
    print(
        f"offre générée ({args.professionnels:,} professionnels) : "
        f"{time.perf_counter() - step:6.1f} s".replace(",", " ")
    )

    started = time.perf_counter()
    snap = services.snapshot()
    print(
        f"construction du cache (première requête, une fois par version des données) : "
        f"{time.perf_counter() - started:6.2f} s — {snap.size} communes, "
        f"{snap.professionals} professionnels, {len(snap.categories)} catégories"
    )
    from maillage.web.dataversion import tracking

    times = []
    for _ in range(20):
        started = time.perf_counter()
        tracking.current()
        times.append((time.perf_counter() - started) * 1000)
    print(f"version des données (à chaque requête) : {statistics.median(times):6.2f} ms")
    services.invalidate()
    started = time.perf_counter()
    services.snapshot()
    print(
        "chargement de l'instantané enregistré (nouveau processus) : "
        f"{(time.perf_counter() - started) * 1000:6.1f} ms"
    )
    toulon = snap.index["83137"]
    from maillage.engine.distances import great_circle_km

    order = np.argsort(great_circle_km(snap.lon[toulon], snap.lat[toulon], snap.lon, snap.lat))
    at = dt.date(2026, 11, 24)
    services.diagnose(snap.codes[order[:2]].tolist(), at)  # département/région/France cached
    for n in (1, 10, 150, 1500):
        codes = snap.codes[order[:n]].tolist()
        times = []
        for _ in range(7):
            started = time.perf_counter()
            services.diagnose(codes, at)
            times.append((time.perf_counter() - started) * 1000)
        print(
            f"diagnostic de {n:5d} communes : médiane {statistics.median(times):7.1f} ms "
            f"(min {min(times):.1f}, max {max(times):.1f}) — objectif < 100 ms pour 150"
        )
    codes = snap.codes[order[:150]].tolist()
    started = time.perf_counter()
    pdf = views.render_pdf(codes, "150 communes autour de Toulon")
    print(
        f"PDF de 150 communes : {time.perf_counter() - started:6.2f} s ({len(pdf) // 1024} Kio)"
        " — objectif < 5 s"
    )


if __name__ == "__main__":
    sys.exit(main())
