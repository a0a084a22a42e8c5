"""Generators of valid, defective and large supply files for the parser tests.

Real samples live in ../shared/data and are read in place; these helpers write synthetic files
under pytest's ``tmp_path`` to exercise every documented defect.
"""

from __future__ import annotations

import random
import zipfile
from collections.abc import Iterable, Mapping
from pathlib import Path

HEADER_52 = [
    "Type d'identifiant PP", "Identifiant PP", "Identification nationale PP",
    "Code civilité d'exercice", "Libellé civilité d'exercice", "Code civilité",
    "Libellé civilité", "Nom d'exercice", "Prénom d'exercice", "Code profession",
    "Libellé profession", "Code catégorie professionnelle",
    "Libellé catégorie professionnelle", "Code type savoir-faire", "Libellé type savoir-faire",
    "Code savoir-faire", "Libellé savoir-faire", "Code mode exercice", "Libellé mode exercice",
    "Numéro SIRET site", "Numéro SIREN site", "Numéro FINESS site",
    "Numéro FINESS établissement juridique", "Identifiant technique de la structure",
    "Raison sociale site", "Enseigne commerciale site",
    "Complément destinataire (coord. structure)",
    "Complément point géographique (coord. structure)", "Numéro Voie (coord. structure)",
    "Indice répétition voie (coord. structure)", "Code type de voie (coord. structure)",
    "Libellé type de voie (coord. structure)", "Libellé Voie (coord. structure)",
    "Mention distribution (coord. structure)", "Bureau cedex (coord. structure)",
    "Code postal (coord. structure)", "Code commune (coord. structure)",
    "Libellé commune (coord. structure)", "Code pays (coord. structure)",
    "Libellé pays (coord. structure)", "Téléphone (coord. structure)",
    "Téléphone 2 (coord. structure)", "Télécopie (coord. structure)",
    "Adresse e-mail (coord. structure)", "Code Département (structure)",
    "Libellé Département (structure)", "Ancien identifiant de la structure",
    "Autorité d'enregistrement", "Code secteur d'activité", "Libellé secteur d'activité",
    "Code section tableau pharmaciens", "Libellé section tableau pharmaciens",
]  # fmt: skip
HEADER_56 = [*HEADER_52, "Code rôle", "Libellé rôle", "Code genre activité",
             "Libellé genre activité"]  # fmt: skip


def rpps_line(values: Mapping[str, str], header: list[str] = HEADER_56) -> str:
    """One activity line: ``values`` by header name, other fields empty, trailing ``|``."""
    unknown = set(values) - set(header)
    assert not unknown, unknown
    return "|".join(values.get(name, "") for name in header) + "|"


def write_rpps(
    path: Path,
    rows: Iterable[Mapping[str, str]],
    header: list[str] = HEADER_56,
    *,
    encoding: str = "utf-8",
    newline: str = "\n",
) -> Path:
    """Write an activity file with the given header (trailing ``|`` everywhere)."""
    lines = ["|".join(header) + "|", *(rpps_line(row, header) for row in rows)]
    path.write_bytes((newline.join(lines) + newline).encode(encoding))
    return path


def write_zip(path: Path, members: Mapping[str, bytes]) -> Path:
    """A zip holding ``members`` (name → content), like the ``PS_LibreAcces`` archive."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return path


def doctor(**overrides: str) -> dict[str, str]:
    """A synthetic GP activity line with a structure (56-column names)."""
    row = {
        "Type d'identifiant PP": "8",
        "Identifiant PP": "10001234567",
        "Identification nationale PP": "810001234567",
        "Code civilité d'exercice": "DR",
        "Libellé civilité d'exercice": "Docteur",
        "Nom d'exercice": "EXEMPLE",
        "Prénom d'exercice": "Alix",
        "Code profession": "10",
        "Libellé profession": "Médecin",
        "Code catégorie professionnelle": "C",
        "Libellé catégorie professionnelle": "Civil",
        "Code type savoir-faire": "S",
        "Libellé type savoir-faire": "Spécialité ordinale",
        "Code savoir-faire": "SM54",
        "Libellé savoir-faire": "Médecine Générale",
        "Code mode exercice": "L",
        "Libellé mode exercice": "Libéral",
        "Numéro SIRET site": "12345678900012",
        "Numéro FINESS site": "830000000",
        "Raison sociale site": "MAISON DE SANTE DE BRIGNOLES",
        "Code postal (coord. structure)": "83170",
        "Code commune (coord. structure)": "83023",
        "Libellé commune (coord. structure)": "Brignoles",
        "Code Département (structure)": "83",
        "Code secteur d'activité": "SA08",
        "Libellé secteur d'activité": "Cabinet de groupe",
        "Code rôle": "FON-01",
        "Libellé rôle": "Titulaire de cabinet",
        "Code genre activité": "GENR01",
        "Libellé genre activité": "Activité standard de soin",
    }
    row.update(overrides)
    return row


def random_rpps_rows(count: int, seed: int = 1) -> list[dict[str, str]]:
    """``count`` plausible activity rows, several per professional, some without commune."""
    rng = random.Random(seed)
    professions = [
        ("10", "Médecin", ["SM54", "SM26", "SM20", "SM40", ""]),
        ("60", "Infirmier", [""]),
        ("70", "Masseur-Kinésithérapeute", [""]),
        ("93", "Psychologue", [""]),
    ]
    communes = ["83023", "83050", "75101", "75120", "69381", "13201", "2A004", "97411", ""]
    rows: list[dict[str, str]] = []
    person = 0
    while len(rows) < count:
        person += 1
        code, label, specialties = rng.choice(professions)
        identifier = f"{10000000000 + person:011d}"
        specialty = rng.choice(specialties)
        for _ in range(rng.choice((1, 1, 2, 3))):
            commune = rng.choice(communes)
            rows.append(
                doctor(**{
                    "Identifiant PP": identifier,
                    "Identification nationale PP": "8" + identifier,
                    "Code profession": code,
                    "Libellé profession": label,
                    "Code savoir-faire": specialty,
                    "Code type savoir-faire": "S" if specialty else "",
                    "Code mode exercice": rng.choice("LSB"),
                    "Code commune (coord. structure)": commune,
                    "Code postal (coord. structure)": "83170" if not commune else "",
                })
            )  # fmt: skip
    return rows[:count]


# --------------------------------------------------------------------------- FINESS

FLEYRIAT_STRUCTURE = (
    "structureet;010000024;010780054;CH DE FLEYRIAT;CENTRE HOSPITALIER DE BOURG-EN-BRESSE "
    "FLEYRIAT;;;900;RTE;DE PARIS;;;451;01;AIN;01440 VIRIAT;0474454647;0474454114;355;"
    "Centre Hospitalier (C.H.);1102;Centres Hospitaliers;26010004500012;8610Z;03;"
    "ARS établissements Publics de santé dotation globale;1;Etablissement public de santé;"
    "1979-02-13;1979-02-13;2020-02-04;"
)
FLEYRIAT_GEOLOC = (
    "geolocalisation;010000024;870262.2;6571540.8;1,ATLASANTE,96,BAN,EPSG:2154 RGF93 / "
    "Lambert-93 (Métropole);2026-05-04"
)


def structure_line(finess: str, *, departement: str = "01", commune: str = "451",
                   category: str = "355", name: str = "ETABLISSEMENT TEST") -> str:  # fmt: skip
    """A raw ``structureet`` line (32 fields) for establishment ``finess``."""
    fields = FLEYRIAT_STRUCTURE.split(";")
    fields[1], fields[3], fields[4] = finess, name, name
    fields[12], fields[13], fields[18] = commune, departement, category
    return ";".join(fields)


LAMBERT_SOURCE = "1,ATLASANTE,96,BAN,EPSG:2154 RGF93 / Lambert-93 (Métropole)"


def geoloc_line(
    finess: str, x: str = "870262.2", y: str = "6571540.8", source: str = LAMBERT_SOURCE
) -> str:
    """A raw ``geolocalisation`` line."""
    return f"geolocalisation;{finess};{x};{y};{source};2026-05-04"


def write_raw_finess(
    path: Path, structures: list[str], geolocs: list[str] = (), *, encoding: str = "utf-8"
) -> Path:
    """A raw Etalab file: first line, ``structureet`` block, ``geolocalisation`` block."""
    lines = [f"finess;etalab;{len(structures)};2026-05-12", *structures, *geolocs]
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


# --------------------------------------------------------------------------- APL xlsx


def write_apl_workbook(path: Path, years: Mapping[int, list[tuple[object, object]]]) -> Path:
    """A DREES-like APL workbook: a notes sheet, then one sheet per year.

    Each year sheet has two title rows, a blank row, a header row (``Code commune INSEE``,
    ``Commune``, ``APL aux médecins généralistes``, ``Population``) and the rows, then a
    source note below the table.
    """
    from openpyxl import Workbook

    workbook = Workbook()
    notes = workbook.active
    notes.title = "Notes"
    notes.append(["Accessibilité potentielle localisée (APL) aux médecins généralistes"])
    notes.append(["Source : DREES, SNIIR-AM, INSEE"])
    for year, rows in years.items():
        sheet = workbook.create_sheet(f"APL {year}")
        sheet.append([f"APL aux médecins généralistes en {year}"])
        sheet.append(["En nombre de consultations accessibles par habitant standardisé"])
        sheet.append([])
        sheet.append(["Code commune INSEE", "Commune", "APL aux médecins généralistes",
                      "Population standardisée"])  # fmt: skip
        for code, apl in rows:
            sheet.append([code, "Commune", apl, 1000])
        sheet.append([])
        sheet.append([None, "Source : DREES"])
    workbook.save(path)
    return path
