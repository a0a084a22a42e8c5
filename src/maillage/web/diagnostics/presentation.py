"""Tables of a published diagnosis, shared by the page, the PDF, the XLSX and the CSV.

Everything here reads the already-published result (secrecy applied by the engine): renderers
cannot reach a hidden value because it is not in their input.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from maillage.engine.indicators import AGE_BANDS, SECRET_LABEL

from . import svg

LEVEL_LABELS = (
    ("territoire", "Territoire"),
    ("departement", "Département"),
    ("region", "Région"),
    ("france", "France"),
)


def fmt(value: float | None, secret: bool = False, decimals: int = 1) -> str:
    """French number formatting; secret values read "secret statistique"."""
    if secret:
        return SECRET_LABEL
    if value is None:
        return "—"
    if decimals == 0 or (float(value).is_integer() and decimals <= 1 and abs(value) >= 100):
        text = f"{value:,.0f}"
    else:
        text = f"{value:,.{decimals}f}"
    return text.replace(",", "\u202f").replace(".", ",")


def _cell(entry: dict, level: str) -> dict[str, Any]:
    if level == "territoire":
        return {"valeur": entry["valeur"], "secret": entry["secret"]}
    secret = entry.get("secret_comparaisons", {}).get(level, False)
    return {"valeur": entry["comparaisons"].get(level), "secret": secret}


def present(result: dict[str, Any]) -> dict[str, Any]:
    entries = result["indicateurs"]
    by_code = {e["code"]: e for e in entries}
    niveaux = result["niveaux"]
    level_names = {
        "territoire": result["territoire"].get("nom", "Territoire"),
        "departement": f"{niveaux['departement']['nom']} ({niveaux['departement']['code']})",
        "region": niveaux["region"]["nom"] or "",
        "france": "France",
    }

    def row(entry, decimals=1):
        cells = [_cell(entry, level) for level, _ in LEVEL_LABELS]
        return {
            "entry": entry,
            "cells": [dict(c, texte=fmt(c["valeur"], c["secret"], decimals)) for c in cells],
        }

    population = [
        row(by_code[c], 1 if c != "population" else 0) for c in ("population", "surface", "densite")
    ]
    ages = [row(by_code[f"age.{code}"]) for code, _ in AGE_BANDS] + [row(by_code["age.75_plus"])]
    supply = []
    categories = [e["categorie"] for e in entries if e.get("mesure") == "effectif"]
    for category in categories:
        base = f"offre.{category}"
        effectif = by_code[f"{base}.effectif"]
        supply.append(
            {
                "libelle": effectif["libelle"].split(" : ")[0],
                "effectif": fmt(effectif["valeur"], effectif["secret"], 0),
                "liberaux": fmt(
                    by_code[f"{base}.liberaux"]["valeur"], by_code[f"{base}.liberaux"]["secret"], 0
                ),
                "densite": row(by_code[f"{base}.densite"]),
            }
        )
    evolution = []
    for e in entries:
        if e["bloc"] != "evolution":
            continue
        line = row(e, 2 if e["code"] == "evolution.taux_annuel" else 0)
        if e["code"] in ("evolution.absolue", "evolution.taux_annuel"):
            for cell in line["cells"]:  # a change reads with its sign: +1 234 / −56
                if cell["valeur"] is not None and cell["valeur"] > 0:
                    cell["texte"] = "+" + cell["texte"]
                elif cell["valeur"] is not None and cell["valeur"] < 0:
                    cell["texte"] = "−" + cell["texte"].lstrip("-")
        evolution.append(line)
    gp60 = by_code.get("offre.medecin_generaliste.part_60_plus")
    health = [row(e, 2) for e in entries if e["bloc"] == "sante"]

    age_chart = svg.bar_chart(
        "Structure par âge : part de chaque tranche (%)",
        [
            (label, {lvl: _cell(by_code[f"age.{code}"], lvl)["valeur"] for lvl, _ in LEVEL_LABELS})
            for code, label in AGE_BANDS
        ],
        [(lvl, name) for lvl, name in LEVEL_LABELS],
        chart_id="graphique-ages",
    )
    density_rows = [
        (
            s["libelle"],
            {
                lvl: c["valeur"]
                for (lvl, _), c in zip(LEVEL_LABELS, s["densite"]["cells"], strict=True)
            },
        )
        for s in supply
        if s["densite"]["cells"][3]["valeur"]
    ][:12]
    supply_chart = (
        svg.bar_chart(
            "Densité de professionnels pour 100 000 habitants",
            density_rows,
            [(lvl, name) for lvl, name in LEVEL_LABELS],
            unit="",
            chart_id="graphique-offre",
        )
        if density_rows
        else ""
    )
    return {
        "levels": [(lvl, label, level_names[lvl]) for lvl, label in LEVEL_LABELS],
        "population": population,
        "ages": ages,
        "evolution": evolution,
        "evolution_info": result.get("evolution_population"),
        "ages_known": any(c["valeur"] is not None for r in ages for c in r["cells"]),
        "supply": supply,
        "gp60": row(gp60) if gp60 else None,
        "health": health,
        "age_chart": age_chart,
        "supply_chart": supply_chart,
    }


# ---------------------------------------------------------------------------------------------
# Flat rows for CSV / XLSX

BLOCKS = (
    ("population", "Population"),
    ("evolution", "Évolution de la population"),
    ("ages", "Âges"),
    ("offre", "Offre de soins"),
    ("sante", "Indicateurs de santé"),
)
HEADER = [
    "code",
    "libelle",
    "valeur",
    "unite",
    "numerateur",
    "denominateur",
    "secret",
    "departement",
    "region",
    "france",
    "source",
    "millesime",
]


def flat_rows(result: dict[str, Any], bloc: str | None = None) -> list[list[Any]]:
    rows = []
    for e in result["indicateurs"]:
        if bloc and e["bloc"] != bloc:
            continue
        secret_cmp = e.get("secret_comparaisons", {})
        rows.append(
            [
                e["code"],
                e["libelle"],
                SECRET_LABEL if e["secret"] else e["valeur"],
                e["unite"],
                e["numerateur"],
                e["denominateur"],
                "oui" if e["secret"] else "non",
                *[
                    SECRET_LABEL if secret_cmp.get(level) else e["comparaisons"].get(level)
                    for level in ("departement", "region", "france")
                ],
                e["source"],
                e["millesime"],
            ]
        )
    return rows


def to_csv(result: dict[str, Any]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    t = result["territoire"]
    writer.writerow(["# territoire", t.get("nom", ""), "communes", ",".join(t["communes"])])
    writer.writerow(["# taille CPTS", t["taille_cpts"], "date", result["date"]])
    writer.writerow(["bloc", *HEADER])
    for bloc, _label in BLOCKS:
        for r in flat_rows(result, bloc):
            writer.writerow([bloc, *r])
    return out.getvalue()


def to_xlsx(result: dict[str, Any]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "Territoire"
    t = result["territoire"]
    fonct = t.get("fonctionnement_cpts") or {}
    for label, value in (
        ("Territoire", t.get("nom", "")),
        ("Nombre de communes", t["nb_communes"]),
        ("Population", t["population"]),
        ("Surface (km²)", t["surface_km2"]),
        ("Densité (hab./km²)", t["densite"]),
        ("Taille de CPTS", t["taille_cpts"]),
        ("Fonctionnement CPTS (€ par an)", fonct.get("montant")),
        ("Paramètres vérifiés", "oui" if fonct.get("verifie") else "non vérifié"),
        ("Date", result["date"]),
        (
            "Secret statistique",
            f"effectifs communaux < {result['secret']['seuil']} remplacés par une valeur de "
            "substitution fixe ; totaux pouvant être sous le seuil masqués",
        ),
        ("Communes", ", ".join(t["communes"])),
    ):
        ws.append([label, value])
    for bloc, label in BLOCKS:
        sheet = wb.create_sheet(label)
        sheet.append(HEADER)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for r in flat_rows(result, bloc):
            sheet.append(r)
    sheet = wb.create_sheet("Établissements")
    sheet.append(
        [
            "classe",
            "libelle",
            "nombre dans le territoire",
            "plus proche",
            "commune",
            "distance (km)",
        ]
    )
    for e in result["etablissements"]:
        near = e["plus_proche"] or {}
        sheet.append(
            [
                e["classe"],
                e["libelle"],
                e["nombre"],
                near.get("nom"),
                near.get("commune"),
                near.get("distance_km"),
            ]
        )
    sheet = wb.create_sheet("Exercice coordonné")
    sheet.append(["type", "nom", "identifiant", "relation", "communes dans le territoire"])
    for kind, rows in result["structures"].items():
        for s in rows:
            sheet.append(
                [kind, s["nom"], s["identifiant"], s["relation"], s["communes_dans_le_territoire"]]
            )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
