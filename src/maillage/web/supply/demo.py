"""Fictitious health-care supply of the demo territory (deterministic, idempotent).

Densities follow national orders of magnitude (per 100 000 inhabitants: GPs ~90, nurses
~170, physiotherapists ~110…), concentrated in towns, with a share of villages left
without any GP (rural deserts). Two RPPS "imports" are recorded so that the newest
installations show up in :func:`services.new_professionals`. Every name is invented.
"""

from __future__ import annotations

import hashlib
import math
from datetime import date

import numpy as np

from maillage.engine.demo.supply import draw_professionals
from maillage.engine.demo.territory import generate
from maillage.web.imports import ImportReport, atomic_import, sync

from .importers import set_perimeter, sync_registry, sync_structures
from .models import (
    Activity,
    Establishment,
    IndicatorValue,
    Professional,
    Structure,
    SupplyImport,
)

SEED = 2026
YEAR = 2024
DEMO_IMPORTS = ("démonstration — extraction RPPS précédente", "démonstration — extraction RPPS")
INDICATORS = {  # code: (denominator share of population, base rate, spread)
    "ald": (0.85, 0.21, 0.04),
    "c2s": (0.95, 0.09, 0.03),
    "sans_mt_15plus": (0.7, 0.09, 0.04),
    "sans_mt_ald": (0.18, 0.04, 0.02),
    "depistage_colorectal": (0.3, 0.31, 0.05),
    "depistage_sein": (0.16, 0.48, 0.06),
    "vaccination_grippe_65": (0.2, 0.54, 0.06),
}


def _fingerprint(rows: list[tuple]) -> str:
    text = "\n".join("\x1f".join(str(v) for v in row) for row in sorted(rows))
    return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()


def load_demo() -> ImportReport:
    territory = generate()
    rng = np.random.default_rng(SEED)
    communes = territory.communes
    codes = [c.code for c in communes]
    population = np.array([c.population for c in communes], dtype=float)
    rank = np.array([c.chef_lieu_rank for c in communes])
    prefecture = next(c for c in communes if c.chef_lieu_rank == 1)
    # Rural deserts: a third of the small villages have no GP at all.
    desert = (rank == 0) & (population < 1500) & (rng.random(len(communes)) < 0.35)

    report = ImportReport("Offre de soins de démonstration — données fictives")
    with atomic_import(report):
        sync_registry(report)
        imports = [
            SupplyImport.objects.get_or_create(
                kind=SupplyImport.Kind.RPPS,
                fichier=name,
                defaults={"date_donnees": date(YEAR, 6 + i * 6, 1)},
            )[0]
            for i, name in enumerate(DEMO_IMPORTS)
        ]
        professionals, activities = draw_professionals(
            rng, codes, population, rank > 0, desert, YEAR
        )
        _write_professionals(professionals, activities, imports, report)
        establishments = _establishments(rng, communes, prefecture)
        sync(Establishment, establishments, report, label="établissements")
        structures = {
            (Structure.Kind.MSP if e["categorie"] == "603" else Structure.Kind.CDS, finess): {
                "nom": e["nom"],
                "commune_id": e["commune_id"],
                "etablissement_id": finess,
                "source": Structure.Source.FINESS,
            }
            for finess, e in establishments.items()
            if e["categorie"] in ("603", "124")
        }
        sync_structures(structures, report, "structures (MSP, centres de santé)")
        _cpts(communes, report)
        _indicators(rng, communes, codes, population, professionals, activities, report)
    return report


def load_generated_supply(codes: list[str], seed: int = 83, year: int = YEAR) -> ImportReport:
    """Fictitious professionals on real communes (tests and benchmarks on the Var): the demo
    densities, towns = communes of 10 000 inhabitants or more, no deserts. Idempotent."""
    from maillage.web.territories.models import Commune

    known = dict(Commune.objects.filter(code__in=codes).values_list("code", "population"))
    codes = sorted(c for c in codes if known.get(c))
    population = np.array([known[c] for c in codes], dtype=float)
    professionals, activities = draw_professionals(
        np.random.default_rng(seed),
        codes,
        population,
        population >= 10_000,
        np.zeros(len(codes), dtype=bool),
        year,
        prefix="898",
    )
    report = ImportReport("Offre de soins générée — données fictives")
    with atomic_import(report):
        imports = [
            SupplyImport.objects.get_or_create(
                kind=SupplyImport.Kind.RPPS, fichier=f"générée {seed} — {name}"
            )[0]
            for name in ("précédente", "dernière")
        ]
        _write_professionals(professionals, activities, imports, report)
    return report


def _write_professionals(professionals, activities, imports, report) -> None:
    previous, latest = imports
    existing = Professional.objects.in_bulk(list(professionals), field_name="identifiant_national")
    identifiers = sorted(professionals)
    # One professional in 33, in every category, is "new" in the latest extraction.
    new_ones = {identifier for identifier in identifiers if int(identifier) % 33 == 0}
    to_create, to_update, fields, unchanged = [], [], set(), 0
    rewrite: list[str] = []
    for identifier in identifiers:
        first = latest if identifier in new_ones else previous
        values = {
            **professionals[identifier],
            "premier_import": first,
            "dernier_import": latest,
            "actif": True,
            "empreinte_activites": _fingerprint(activities[identifier]),
        }
        found = existing.get(identifier)
        if found is None:
            to_create.append(Professional(identifiant_national=identifier, **values))
            rewrite.append(identifier)
            continue
        changed = [k for k, v in values.items() if getattr(found, k) != v]
        if "empreinte_activites" in changed:
            rewrite.append(identifier)
        if changed:
            for k in changed:
                setattr(found, k, values[k])
            fields.update(changed)
            to_update.append(found)
        else:
            unchanged += 1
    Professional.objects.bulk_create(to_create, batch_size=1000)
    if to_update:
        Professional.objects.bulk_update(to_update, sorted(fields), batch_size=1000)
    report.add("professionnels", len(to_create), len(to_update), unchanged)
    ids = dict(
        Professional.objects.filter(identifiant_national__in=rewrite).values_list(
            "identifiant_national", "id"
        )
    )
    deleted, _ = Activity.objects.filter(professional_id__in=list(ids.values())).delete()
    rows = [
        Activity(
            professional_id=ids[identifier],
            commune_id=code,
            code_commune=code,
            code_postal="",
            origine_commune="commune",
            mode_exercice=mode,
            secteur_activite="SA07" if mode == "L" else "SA01",
        )
        for identifier in rewrite
        for code, mode in activities[identifier]
    ]
    Activity.objects.bulk_create(rows, batch_size=2000)
    total = sum(len(sites) for sites in activities.values())
    report.add("activités", created=len(rows), unchanged=total - len(rows), deleted=deleted)


def _establishments(rng, communes, prefecture) -> dict[str, dict]:
    rows: dict[str, dict] = {}

    def add(category, label, classe, name, commune, serial):
        finess = f"00{serial:07d}"
        jitter = rng.normal(0, 0.004, 2)
        rows[finess] = {
            "finess_ej": "",
            "nom": name,
            "nom_long": name,
            "categorie": category,
            "categorie_libelle": label,
            "classe": classe,
            "commune_id": commune.code,
            "code_insee": commune.code,
            "adresse": f"{commune.nom} (adresse fictive)",
            "lon": round(commune.centre[0] + float(jitter[0]), 6),
            "lat": round(commune.centre[1] + float(jitter[1]), 6),
            "geocodage_commune": False,
            "siret": "",
            "date_ouverture": date(1990 + serial % 30, 1, 1),
            "date_maj": date(YEAR, 1, 1),
        }

    add("355", "Centre Hospitalier (C.H.)", "hopital", f"CH DE {prefecture.nom.upper()}",
        prefecture, 1)  # fmt: skip
    serial = 10
    towns = [c for c in communes if c.chef_lieu_rank > 0]
    for commune in towns:
        serial += 1
        add("500", "EHPAD", "ehpad", f"EHPAD LES TILLEULS DE {commune.nom.upper()}", commune,
            serial)  # fmt: skip
    for commune in communes:
        for _ in range(max(1 if commune.population >= 1200 else 0, commune.population // 3500)):
            serial += 1
            add("620", "Pharmacie d'Officine", "pharmacie", f"PHARMACIE DE {commune.nom.upper()}",
                commune, serial)  # fmt: skip
    ranked = sorted(towns, key=lambda c: (c.chef_lieu_rank, -c.population))
    for index, commune in enumerate(ranked[1:3], start=1):
        add("603", "Maison de santé (L.6223-3)", "maison_sante",
            f"MAISON DE SANTE PLURIPROFESSIONNELLE DE {commune.nom.upper()}", commune,
            900 + index)  # fmt: skip
    add("124", "Centre de Santé", "centre_sante", f"CENTRE DE SANTE DE {prefecture.nom.upper()}",
        prefecture, 950)  # fmt: skip
    add("611", "Laboratoire de Biologie Médicale", "laboratoire",
        f"LABORATOIRE DE {prefecture.nom.upper()}", prefecture, 960)  # fmt: skip
    return rows


def _cpts(communes, report) -> None:
    """Three CPTS around three towns: each commune joins its nearest seed within 22 km."""
    towns = sorted(
        (c for c in communes if c.chef_lieu_rank > 0), key=lambda c: (c.chef_lieu_rank, c.code)
    )
    seeds = [towns[0]]
    for town in towns[1:]:  # spread the seeds apart
        if all(_km(town, s) > 30 for s in seeds):
            seeds.append(town)
        if len(seeds) == 3:
            break
    members: dict[str, list[str]] = {}
    for commune in communes:
        distances = [_km(commune, seed) for seed in seeds]
        best = int(np.argmin(distances))
        if distances[best] <= 22:
            members.setdefault(f"CPTS-00-{best + 1:02d}", []).append(commune.code)
    rows = {
        (Structure.Kind.CPTS, cpts_id): {
            "nom": f"CPTS du pays de {seeds[int(cpts_id[-2:]) - 1].nom}",
            "commune_id": seeds[int(cpts_id[-2:]) - 1].code,
            "source": Structure.Source.IMPORT,
        }
        for cpts_id in sorted(members)
    }
    saved = sync_structures(rows, report, "CPTS")
    for cpts_id, codes in sorted(members.items()):
        set_perimeter(saved[(Structure.Kind.CPTS, cpts_id)], codes, report)


def _km(a, b) -> float:
    dx = (a.centre[0] - b.centre[0]) * 111.32 * math.cos(math.radians(a.centre[1]))
    dy = (a.centre[1] - b.centre[1]) * 110.57
    return math.hypot(dx, dy)


def _indicators(rng, communes, codes, population, professionals, activities, report) -> None:
    """Indicator numerators and denominators consistent with populations and GP supply."""
    gp = dict.fromkeys(codes, 0)
    nurses = dict.fromkeys(codes, 0)
    kines = dict.fromkeys(codes, 0)
    for identifier, values in professionals.items():
        target = {
            "medecin_generaliste": gp,
            "infirmier": nurses,
            "masseur_kinesitherapeute": kines,
        }.get(values["categorie"])
        if target is not None:
            for code in {code for code, _ in activities[identifier]}:
                target[code] += 1
    existing = {
        (v.indicator_id, v.commune_id): v
        for v in IndicatorValue.objects.filter(commune_id__in=codes, annee=YEAR)
    }
    create, update, unchanged = [], [], 0
    for index, commune in enumerate(communes):
        pop = population[index]
        elderly = sum(commune.ages.get(band, 0.0) for band in ("6074", "7589", "90P")) / max(pop, 1)
        values: dict[str, tuple[float, float | None]] = {}
        for code, (share, rate, spread) in INDICATORS.items():
            denominator = max(1.0, round(pop * share))
            adjusted = rate + rng.normal(0, spread)
            if code == "ald":
                adjusted += (elderly - 0.28) * 0.4
            if code.startswith("sans_mt") and gp[commune.code] == 0:
                adjusted *= 1.8  # no GP in the commune: more patients without médecin traitant
            adjusted = float(np.clip(adjusted, 0.0, 0.95))
            values[code] = (float(round(denominator * adjusted)), float(denominator))
        for code, counted in (
            ("densite_mg", gp),
            ("densite_infirmiers", nurses),
            ("densite_kines", kines),
        ):
            values[code] = (float(counted[commune.code]), float(pop))
        for code, (numerator, denominator) in values.items():
            row = existing.get((code, commune.code))
            if row is None:
                create.append(
                    IndicatorValue(
                        indicator_id=code,
                        commune_id=commune.code,
                        annee=YEAR,
                        numerateur=numerator,
                        denominateur=denominator,
                    )
                )
            elif row.numerateur == numerator and row.denominateur == denominator:
                unchanged += 1
            else:
                row.numerateur, row.denominateur = numerator, denominator
                update.append(row)
    IndicatorValue.objects.bulk_create(create, batch_size=2000)
    IndicatorValue.objects.bulk_update(update, ["numerateur", "denominateur"], 2000)
    report.add("valeurs d'indicateurs", len(create), len(update), unchanged)
