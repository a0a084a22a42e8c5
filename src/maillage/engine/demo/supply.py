"""Fictitious health professionals for a set of communes (deterministic for a given generator).

Used by the demo territory and, on real communes, by the tests and benchmarks that need a
plausible supply without personal data: densities follow national orders of magnitude (per
100 000 inhabitants: GPs ~90, nurses ~170, physiotherapists ~110…), concentrated in towns,
with villages left without any GP where ``desert`` says so. Every name is invented.
"""

from __future__ import annotations

import numpy as np

from maillage.engine.vocabulary import GP, NURSE, PHYSIOTHERAPIST

#: (category, profession code, label, savoir-faire, per 100 000, share libéral, town bias)
CATEGORIES = (
    (GP, "10", "Médecin", "SM54", 90, 0.72, 1.5),
    ("medecin_specialiste", "10", "Médecin", "SM04", 75, 0.45, 6.0),
    (NURSE, "60", "Infirmier", "", 170, 0.55, 1.3),
    (PHYSIOTHERAPIST, "70", "Masseur-Kinésithérapeute", "", 110, 0.85, 1.8),
    ("pharmacien", "21", "Pharmacien", "", 95, 0.6, 1.6),
    ("chirurgien_dentiste", "40", "Chirurgien-Dentiste", "", 55, 0.9, 2.2),
    ("sage_femme", "50", "Sage-Femme", "", 35, 0.4, 3.0),
    ("orthophoniste", "91", "Orthophoniste", "", 30, 0.85, 2.2),
    ("orthoptiste", "92", "Orthoptiste", "", 8, 0.7, 4.0),
    ("pedicure_podologue", "80", "Pédicure-Podologue", "", 20, 0.95, 2.0),
    ("psychologue", "93", "Psychologue", "", 40, 0.5, 3.0),
)
LAST_NAMES = (
    "AUBRAC", "BELLEGARDE", "CASTELNAU", "DURANCE", "ESTAGEL", "FONTANES", "GARONNE", "HERAULT",
    "ISSOIRE", "JALLES", "LAURAGAIS", "MARVEJOLS", "NESTIER", "OLARGUES", "PALAVAS", "QUERCY",
    "RANCE", "SORGUES", "TARASCON", "URVILLE", "VERDON", "ARGELES", "BOUCAU", "CERDAGNE",
)  # fmt: skip
FIRST_NAMES = (
    "Alix", "Camille", "Dominique", "Sacha", "Morgan", "Claude", "Lou", "Eden", "Charlie",
    "Andrea", "Noa", "Maxime", "Lior", "Sasha", "Ange", "Gaël",
)  # fmt: skip


def draw_professionals(
    rng: np.random.Generator,
    codes: list[str],
    population: np.ndarray,
    town: np.ndarray,
    desert: np.ndarray,
    year: int,
    prefix: str = "899",
) -> tuple[dict[str, dict], dict[str, list[tuple[str, str]]]]:
    """Professionals (identifier → fields) and their practice sites (identifier → [(commune,
    mode)]: the first site is the main one), drawn category by category.

    ``town``: communes where the « town bias » of each category applies; ``desert``: communes
    left without any GP. ``year``: the year of the data (ages and activity).
    """
    professionals: dict[str, dict] = {}
    activities: dict[str, list[tuple[str, str]]] = {}
    population = np.asarray(population, dtype=float)
    town = np.asarray(town, dtype=bool)
    total = population.sum()
    number = 0
    for category, profession, label, savoir_faire, density, liberal, bias in CATEGORIES:
        weights = population * np.where(town, bias, 1.0)
        if category == GP:
            weights = np.where(desert, 0.0, weights)
        if category in ("medecin_specialiste", "sage_femme", "orthoptiste"):
            weights = np.where(town, weights, weights * 0.05)
        count = round(total * density / 100_000)
        per_commune = rng.multinomial(count, weights / weights.sum())
        for index, n in enumerate(per_commune):
            for _ in range(n):
                number += 1
                identifier = f"{prefix}{number:09d}"
                age = int(np.clip(rng.normal(48, 11), 27, 72))
                if category == GP and rng.random() < 0.12:
                    age = int(rng.integers(60, 71))  # an ageing GP population
                mode = "L" if rng.random() < liberal else "S"
                acts = float(max(300, round(rng.normal(4600 if mode == "L" else 2500, 1300))))
                professionals[identifier] = {
                    "type_identifiant": "8",
                    "nom": f"{LAST_NAMES[int(rng.integers(len(LAST_NAMES)))]}-FICTIF",
                    "prenom": FIRST_NAMES[int(rng.integers(len(FIRST_NAMES)))],
                    "code_profession": profession,
                    "libelle_profession": label,
                    "categorie": category,
                    "specialite": savoir_faire,
                    "annee_naissance": year - age,
                    "actes_annuels": acts,
                    "etp": round(float(np.clip(acts / 5000, 0.2, 1.4)), 2),
                    "activite_annee": year,
                }
                sites = [(codes[index], mode)]
                if mode == "L" and rng.random() < 0.08:
                    other = int(rng.integers(len(codes)))
                    if codes[other] != codes[index]:
                        sites.append((codes[other], "L"))  # a secondary practice
                activities[identifier] = sites
    return professionals, activities
