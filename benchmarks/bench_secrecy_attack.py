"""The averaging attack of issue 10 against the public diagnosis API, measured.

Usage: python benchmarks/bench_secrecy_attack.py [--territoire demo|var] [--cibles N]
       [--categorie CODE] [--bases 150] [SHARED_DATA]

Builds a throwaway SQLite database (the demo territory, or the real Var communes with generated
professionals), picks N communes whose count of the category is hidden (1 to seuil − 1), and
for each one averages ``published(T ∪ {c}) − published(T)`` over 150 random base territories T
of 12 other communes, through ``GET /api/diagnostics/`` as an anonymous client. Prints the
estimates, how many hidden counts were recovered exactly, and what blind guessing would get
(chance). Also prints the direct leaks the issue found (registry numerator of a hidden count,
practitioners of the accessibility card), the cost of the protection (error of published
totals against the true counts, on random territories of 12 communes and on the whole
département; share of territory totals hidden) and how many requests the anonymous budget
allows.
"""

from __future__ import annotations

import argparse
import collections
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SHARED = ROOT / ".." / "shared" / "data"


def truths(codes: list[str], category: str) -> dict[str, int]:
    """Count of ``category`` per commune, when « professionals practising there » and
    « professionals whose first practice is there » agree (the attack targets both readings)."""
    from maillage.web.supply.models import Activity

    anywhere: dict[str, set] = collections.defaultdict(set)
    first: dict[int, str] = {}
    rows = (
        Activity.objects.filter(
            professional__categorie=category, professional__actif=True, commune__isnull=False
        )
        .order_by("pk")
        .values_list("professional_id", "commune_id")
    )
    for professional, commune in rows:
        anywhere[commune].add(professional)
        first.setdefault(professional, commune)
    principal = collections.Counter(first.values())
    return {c: len(anywhere[c]) for c in codes if len(anywhere.get(c, ())) == principal.get(c, 0)}


def demand_module():
    from maillage.engine.accessibility import demand

    return demand


def main_counts(codes: list[str]) -> dict[tuple[str, str], int]:
    """True count per (commune, category): professionals in the commune of their first
    practice (the reading of the diagnosis)."""
    from maillage.web.supply.models import Activity

    first: dict[int, tuple[str, str]] = {}
    for professional, commune, category in (
        Activity.objects.filter(professional__actif=True, commune__isnull=False)
        .order_by("pk")
        .values_list("professional_id", "commune_id", "professional__categorie")
    ):
        first.setdefault(professional, (commune, category))
    return collections.Counter(first.values())


def cost(codes: list[str], seuil: int, seed: int = 1) -> None:
    """Published − true totals of every category, on random territories and the département."""
    import numpy as np

    from maillage.web.diagnostics import services

    counts = main_counts(codes)
    categories = sorted({k for _, k in counts})
    rng = np.random.default_rng(seed)
    territories = [rng.choice(codes, 12, replace=False).tolist() for _ in range(200)]
    print("\n== Coût : écart des totaux publiés aux vrais effectifs ==")
    for name, group in (("12 communes au hasard", territories), ("département", [codes])):
        errors, relative, hidden, hidden_true_rule, small_cells = [], [], 0, 0, []
        for territory in group:
            entries = {e["code"]: e for e in services.diagnose(territory)["indicateurs"]}
            for category in categories:
                entry = entries.get(f"offre.{category}.effectif")
                if entry is None:
                    continue
                truth = sum(counts.get((c, category), 0) for c in territory)
                small = sum(0 < counts.get((c, category), 0) < seuil for c in territory)
                hidden_true_rule += 0 < truth < seuil
                if entry["secret"]:
                    hidden += 1
                    continue
                errors.append(entry["valeur"] - truth)
                small_cells.append(small)
                if truth >= 20:
                    relative.append(abs(entry["valeur"] - truth) / truth)
        errors = np.array(errors)
        bound = (seuil - 2) * np.array(small_cells)
        print(
            f"{name} : {errors.size} totaux publiés, écart moyen {errors.mean():+.2f}, "
            f"écart absolu médian {np.median(np.abs(errors)):.1f}, 95 % sous "
            f"{np.percentile(np.abs(errors), 95):.1f}, maximum {np.abs(errors).max():.0f} "
            f"(borne (seuil − 2) × cellules petites : jusqu'à {bound.max()}) ; "
            f"écart relatif médian {np.median(relative) if relative else 0:.1%} des totaux "
            f"≥ 20 ; masqués : {hidden} (dont vrai total < seuil : {hidden_true_rule})"
        )


def apl_cost(departement: str, annee: int) -> None:
    """APL from the protected supply against the APL of the exact supply (computed here only,
    never published), per profession: department mean, per-commune gap, simulated zones."""
    import numpy as np

    from maillage.engine.accessibility import demand
    from maillage.web.access import services

    print("\n== Coût : APL calculée sur l'offre protégée ==")
    for profession in services.METHODS:
        scope = services.Scope.of(departement)
        inputs = services.load_inputs(profession, annee, scope)
        protected = services.compute(inputs)
        real = demand.protect_supply
        demand.protect_supply = lambda s, f, *_a, **_k: (np.asarray(s, float), np.asarray(f, float))
        try:
            exact_inputs = services.load_inputs(profession, annee, scope)
        finally:
            demand.protect_supply = real
        exact = services.compute(exact_inputs)
        m = inputs.in_scope
        pop = inputs.population[m]
        gap = np.abs(protected[m] - exact[m]) / np.where(exact[m] > 0, exact[m], np.nan)
        mean = np.average(protected[m], weights=pop) / np.average(exact[m], weights=pop) - 1
        line = (
            f"{profession} : {int(inputs.secret[m].sum())} communes sur {int(m.sum())} avec 1 à "
            f"4 praticiens ; APL moyenne du département {mean:+.1%} ; écart par commune : "
            f"médian {np.nanmedian(gap):.1%}, 90 % sous {np.nanpercentile(gap, 90):.0%}"
        )
        if profession == "medecin_generaliste":
            codes = inputs.codes[m]
            zones = [
                services.simulate(profession, codes, v[m], pop, inputs.on).zones
                for v in (exact, protected)
            ]
            line += f" ; zonage simulé différent : {int((zones[0] != zones[1]).sum())} communes"
        print(line)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("shared", nargs="?", default=str(DEFAULT_SHARED))
    parser.add_argument("--territoire", choices=("demo", "var"), default="demo")
    parser.add_argument("--cibles", type=int, default=8)
    parser.add_argument("--categorie", default="medecin_generaliste")
    parser.add_argument("--bases", type=int, default=150)
    args = parser.parse_args()
    directory = tempfile.mkdtemp(prefix="maillage-bench-secret-")
    os.environ["MAILLAGE_DATA_DIR"] = directory
    os.environ["DJANGO_SETTINGS_MODULE"] = "maillage.web.settings.dev"
    sys.path.insert(0, str(ROOT))
    from maillage.web import setup

    setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from tests.web.diagnostics.attacks import api_query, averaging_attack, recovered

    from maillage.web.territories.models import Commune

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    if args.territoire == "demo":
        from maillage.web.demo import load_demo

        load_demo()
        departement = "00"
    else:
        from maillage.web.supply.demo import load_generated_supply
        from maillage.web.territories import importers

        shared = Path(args.shared).resolve()
        importers.import_etalab(shared / "decoupage-administratif-6.0.0", departement="83")
        importers.import_points(shared / "communes-points" / "communes_2024_points_dep83.csv")
        departement = "83"
        load_generated_supply(
            list(
                Commune.objects.filter(departement_id="83", nature="COM").values_list(
                    "code", flat=True
                )
            )
        )
        from maillage.web.access.services import compute_and_store

        compute_and_store("medecin_generaliste", 2024, departement="83")
    print(f"données chargées ({args.territoire}) : {time.perf_counter() - started:.1f} s")
    codes = sorted(
        Commune.objects.filter(
            departement_id=departement, nature="COM", statut="actuelle"
        ).values_list("code", flat=True)
    )
    seuil = 5
    counts = truths(codes, args.categorie)
    small = {c: n for c, n in counts.items() if 0 < n < seuil}
    frequency = collections.Counter(small.values())
    targets = sorted(small)[:: max(1, len(small) // args.cibles)][: args.cibles]
    code = f"offre.{args.categorie}.effectif"
    client = Client(HTTP_HOST="localhost")

    cost(codes, seuil)
    if hasattr(demand_module(), "protect_supply"):
        apl_cost(departement, 2025 if args.territoire == "demo" else 2024)
    print("\n== Fuites directes ==")
    first = targets[0]
    single = api_query(client)([first])
    print(f"diagnostic de {first} seul : {code} = {single.get(code)} (vrai : {small[first]})")
    for entry in client.get("/api/diagnostics/", {"communes": first}).json()["indicateurs"]:
        if entry["bloc"] == "sante" and 0 < (entry["numerateur"] or 0) < seuil:
            print(f"  indicateur {entry['code']} : numérateur publié {entry['numerateur']}")
    card = client.get(f"/api/accessibilite/communes/{first}").json()
    print(f"/api/accessibilite/communes/{first} : {card.get('apl')}")

    print(f"\n== Attaque par moyenne ({args.bases} territoires de base de 12 communes) ==")
    overridden = getattr(settings, "MAILLAGE_API_ANONYMOUS_BUDGET", None)
    if overridden is not None:
        settings.MAILLAGE_API_ANONYMOUS_BUDGET = (10**9, 60)  # measure the secrecy alone
    started = time.perf_counter()
    estimates = averaging_attack(
        api_query(client), codes, [(c, code) for c in targets], bases=args.bases
    )
    elapsed = time.perf_counter() - started
    requests = args.bases * (1 + len(targets))
    for commune, estimate in zip(targets, estimates, strict=True):
        shown = "—" if estimate is None else f"{estimate:.2f}"
        print(f"  {commune} : vrai {small[commune]}, moyenne des différences {shown}")
    found = recovered(estimates, [small[c] for c in targets])
    blind = max(frequency.values()) / sum(frequency.values()) if frequency else 0.0
    print(
        f"retrouvés exactement : {found} / {len(targets)} ; hasard (deviner toujours "
        f"{frequency.most_common(1)[0][0] if frequency else '—'}) : {blind:.0%} ; "
        f"{requests} requêtes en {elapsed:.1f} s ({elapsed / requests * 1000:.1f} ms chacune)"
    )

    print("\n== Limitation du débit de l'API anonyme ==")
    if overridden is None:
        print("aucune limitation")
        return
    settings.MAILLAGE_API_ANONYMOUS_BUDGET = overridden
    other = Client(HTTP_HOST="localhost", REMOTE_ADDR="192.0.2.7")
    served = 0
    while served < 100_000:
        response = other.get("/api/diagnostics/", {"communes": codes[served % len(codes)]})
        if response.status_code == 429:
            break
        served += 1
    print(
        f"budget {overridden[0]} requêtes / {overridden[1]} s : {served} servies puis 429 — "
        f"« {response.json()['detail']} »"
    )


if __name__ == "__main__":
    sys.exit(main())
