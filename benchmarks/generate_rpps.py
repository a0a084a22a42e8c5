"""Generate a deterministic national-size RPPS ``Personne_activite`` file for benchmarks.

The real file (data.gouv ``ps-libreacces-personne-activite.txt``) has about 1.1 M lines and
760 MB; this one has the real 56-column header (with the trailing ``|``), realistic field
lengths, several lines per professional (activities × savoir-faire) and a share of empty
commune codes, so that the parser and the aggregation do the same work.

Usage::

    python benchmarks/generate_rpps.py var/bench/ps-libreacces-personne-activite.txt
    python benchmarks/generate_rpps.py out.txt --lines 100000 --seed 1
"""

from __future__ import annotations

import argparse
import random
import time
from pathlib import Path

HEADER = (
    "Type d'identifiant PP|Identifiant PP|Identification nationale PP|Code civilité d'exercice|"
    "Libellé civilité d'exercice|Code civilité|Libellé civilité|Nom d'exercice|"
    "Prénom d'exercice|Code profession|Libellé profession|Code catégorie professionnelle|"
    "Libellé catégorie professionnelle|Code type savoir-faire|Libellé type savoir-faire|"
    "Code savoir-faire|Libellé savoir-faire|Code mode exercice|Libellé mode exercice|"
    "Numéro SIRET site|Numéro SIREN site|Numéro FINESS site|"
    "Numéro FINESS établissement juridique|Identifiant technique de la structure|"
    "Raison sociale site|Enseigne commerciale site|Complément destinataire (coord. structure)|"
    "Complément point géographique (coord. structure)|Numéro Voie (coord. structure)|"
    "Indice répétition voie (coord. structure)|Code type de voie (coord. structure)|"
    "Libellé type de voie (coord. structure)|Libellé Voie (coord. structure)|"
    "Mention distribution (coord. structure)|Bureau cedex (coord. structure)|"
    "Code postal (coord. structure)|Code commune (coord. structure)|"
    "Libellé commune (coord. structure)|Code pays (coord. structure)|"
    "Libellé pays (coord. structure)|Téléphone (coord. structure)|"
    "Téléphone 2 (coord. structure)|Télécopie (coord. structure)|"
    "Adresse e-mail (coord. structure)|Code Département (structure)|"
    "Libellé Département (structure)|Ancien identifiant de la structure|"
    "Autorité d'enregistrement|Code secteur d'activité|Libellé secteur d'activité|"
    "Code section tableau pharmaciens|Libellé section tableau pharmaciens|Code rôle|"
    "Libellé rôle|Code genre activité|Libellé genre activité|"
)

# (code, label, weight, savoir-faire choices) — weights roughly follow the national file.
PROFESSIONS = (
    ("60", "Infirmier", 34, [("", "")]),
    (
        "10",
        "Médecin",
        22,
        [
            ("SM54", "Médecine Générale"),
            ("SM26", "Qualifié en Médecine Générale"),
            ("SM53", "Spécialiste en Médecine Générale"),
            ("SM20", "Gynécologie-obstétrique"),
            ("SM49", "Santé publique et médecine sociale"),
            ("SM04", "Cardiologie et maladies vasculaires"),
            ("SM38", "Ophtalmologie"),
        ],
    ),
    ("70", "Masseur-Kinésithérapeute", 10, [("", "")]),
    ("21", "Pharmacien", 8, [("", "")]),
    ("40", "Chirurgien-Dentiste", 5, [("", ""), ("SCD01", "Orthopédie dento-faciale")]),
    ("50", "Sage-Femme", 3, [("", "")]),
    ("91", "Orthophoniste", 3, [("", "")]),
    ("93", "Psychologue", 6, [("", "")]),
    ("80", "Pédicure-Podologue", 2, [("", "")]),
    ("28", "Opticien-Lunetier", 3, [("", "")]),
    ("94", "Ergothérapeute", 2, [("", "")]),
    ("96", "Psychomotricien", 1, [("", "")]),
    ("92", "Orthoptiste", 1, [("", "")]),
)
MODES = (("L", "Libéral", 45), ("S", "Salarié", 50), ("B", "Bénévole", 5))
SECTORS = (
    ("SA07", "Cabinet individuel"),
    ("SA08", "Cabinet de groupe"),
    ("SA01", "Etablissement Public de santé"),
    ("SA04", "Etab. Privé Non PSPH"),
    ("SA25", "Laboratoire de biologie médicale (LBM)"),
)
STREETS = (
    "DE LA REPUBLIQUE",
    "DU GENERAL DE GAULLE",
    "VICTOR HUGO",
    "JEAN JAURES",
    "DES ECOLES",
    "DE LA GARE",
    "PASTEUR",
    "DU MARECHAL FOCH",
)
VOIES = (("R", "Rue"), ("AV", "Avenue"), ("BD", "Boulevard"), ("CHE", "Chemin"), ("PL", "Place"))
NAMES = (
    "MARTIN",
    "BERNARD",
    "THOMAS",
    "PETIT",
    "ROBERT",
    "RICHARD",
    "DURAND",
    "DUBOIS",
    "MOREAU",
    "LAURENT",
    "SIMON",
    "MICHEL",
    "LEFEBVRE",
    "LEROY",
    "ROUX",
    "DAVID",
)
FIRST = ("Camille", "Dominique", "Claude", "Alex", "Sacha", "Morgan", "Lou", "Andrea")


def communes(rng: random.Random) -> list[tuple[str, str, str]]:
    """About 35 000 plausible (INSEE code, postcode, name) triples, PLM arrondissements too."""
    result = [(f"751{a:02d}", f"750{a:02d}", f"PARIS {a}E") for a in range(1, 21)]
    result += [(f"6938{a}", f"6900{a}", f"LYON {a}E") for a in range(1, 10)]
    result += [(f"132{a:02d}", f"130{a:02d}", f"MARSEILLE {a}E") for a in range(1, 17)]
    departements = [f"{d:02d}" for d in range(1, 96) if d != 20] + ["2A", "2B"]
    for departement in departements:
        for number in range(1, 361):
            postcode = (
                departement.replace("2A", "20").replace("2B", "20") + f"{rng.randrange(1000):03d}"
            )
            result.append(
                (f"{departement}{number:03d}", postcode, f"COMMUNE {departement}-{number}")
            )
    for departement in ("971", "972", "973", "974", "976"):
        for number in range(1, 30):
            result.append(
                (
                    f"{departement}{number:02d}",
                    f"{departement}{number:02d}",
                    f"COMMUNE {departement}-{number}",
                )
            )
    return result


def generate(path: Path, lines: int, seed: int = 20260217) -> tuple[int, int]:
    """Write ``lines`` activity lines to ``path``; return (lines, bytes)."""
    rng = random.Random(seed)
    places = communes(rng)
    profession_weights = [weight for _, _, weight, _ in PROFESSIONS]
    mode_weights = [weight for _, _, weight in MODES]
    written = 0
    professional = 0
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as out:
        out.write(HEADER + "\n")
        buffer: list[str] = []
        while written < lines:
            professional += 1
            code, label, _, savoirs = rng.choices(PROFESSIONS, profession_weights)[0]
            rpps = code in {"10", "21", "40", "50", "60", "70", "80"}
            identifier = f"{10000000000 + professional * 7:011d}" if rpps else f"{professional:09d}"
            national = ("8" if rpps else "0") + identifier
            name, first = rng.choice(NAMES), rng.choice(FIRST)
            civ = rng.choice((("M", "Monsieur"), ("MME", "Madame")))
            sf_code, sf_label = rng.choice(savoirs)
            n_activities = 1 + (rng.random() < 0.25) + (rng.random() < 0.05)
            for _ in range(min(n_activities, lines - written)):
                mode, mode_label, _ = rng.choices(MODES, mode_weights)[0]
                insee, postcode, town = rng.choice(places)
                # The real file leaves many commune codes empty (ADELI rows, cedex).
                roll = rng.random()
                commune_field = insee if roll > 0.12 else ""
                if roll < 0.04:
                    postcode, town = "", ""
                sector, sector_label = rng.choice(SECTORS)
                siret = f"{rng.randrange(10**13, 10**14)}"
                voie, voie_label = rng.choice(VOIES)
                fields = [
                    "8" if rpps else "0",
                    identifier,
                    national,
                    "DR" if code == "10" else "",
                    "Docteur" if code == "10" else "",
                    civ[0],
                    civ[1],
                    name,
                    first,
                    code,
                    label,
                    "C",
                    "Civil",
                    "S" if sf_code else "",
                    "Spécialité ordinale" if sf_code else "",
                    sf_code,
                    sf_label,
                    mode,
                    mode_label,
                    siret,
                    siret[:9],
                    "",
                    "",
                    f"S{siret}",
                    f"CABINET {name} {first}".upper(),
                    f"CABINET {name} {first}".upper(),
                    f"MAISON DE SANTE PLURIPROFESSIONNELLE DE {town}",
                    "BATIMENT B RESIDENCE LES TILLEULS",
                    str(rng.randrange(1, 200)),
                    "",
                    voie,
                    voie_label,
                    rng.choice(STREETS),
                    "BP 139",
                    f"{postcode} {town}" if postcode else "",
                    postcode,
                    commune_field,
                    town,
                    "99000",
                    "France",
                    f"0{rng.randrange(100000000, 999999999)}",
                    f"0{rng.randrange(100000000, 999999999)}",
                    f"0{rng.randrange(100000000, 999999999)}",
                    f"{name.lower()}.{first.lower()}@sante-{rng.randrange(1000)}.example.fr",
                    insee[:3] if insee.startswith("97") else insee[:2],
                    "AUVERGNE-RHONE-ALPES",
                    f"1{siret}",
                    "ARS/CPAM/CPAM",
                    sector,
                    sector_label,
                    "",
                    "",
                    "FON-01",
                    "Titulaire de cabinet ou associé d'exercice en société",
                    "GENR01",
                    "Activité standard de soin",
                    "",
                ]
                buffer.append("|".join(fields))
                written += 1
            if len(buffer) >= 10000:
                out.write("\n".join(buffer) + "\n")
                buffer.clear()
        if buffer:
            out.write("\n".join(buffer) + "\n")
    return written, path.stat().st_size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output", type=Path)
    parser.add_argument("--lines", type=int, default=1_100_000)
    parser.add_argument("--seed", type=int, default=20260217)
    arguments = parser.parse_args()
    start = time.perf_counter()
    lines, size = generate(arguments.output, arguments.lines, arguments.seed)
    print(
        f"{arguments.output}: {lines} lignes, {size / 1e6:.0f} Mo "
        f"({time.perf_counter() - start:.1f} s)"
    )


if __name__ == "__main__":
    main()
