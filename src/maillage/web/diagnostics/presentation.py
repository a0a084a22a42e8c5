"""Tables of a published diagnosis, shared by the page, the PDF, the XLSX and the CSV.

Everything here reads the already-published result (secrecy applied by the engine): renderers
cannot reach a hidden value because it is not in their input.
"""

from __future__ import annotations

from typing import Any

from maillage.engine import formatting
from maillage.engine.indicators import AGE_BANDS, SECRET_LABEL

from . import svg

LEVEL_LABELS = (
    ("territoire", "Territoire"),
    ("departement", "Département"),
    ("region", "Région"),
    ("france", "France"),
)


def fmt(value: float | None, secret: bool = False, decimals: int = 1, signed: bool = False) -> str:
    """French number formatting; secret values read "secret statistique"."""
    return SECRET_LABEL if secret else formatting.number(value, decimals, signed=signed)


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

    def row(entry, signed=False):
        # The unit sets the decimals, the same in the page, the PDF and the exports.
        decimals = formatting.decimals_for_unit(entry["unite"])
        cells = [_cell(entry, level) for level, _ in LEVEL_LABELS]
        return {
            "entry": entry,
            "cells": [
                dict(c, texte=fmt(c["valeur"], c["secret"], decimals, signed)) for c in cells
            ],
        }

    population = [row(by_code[c]) for c in ("population", "surface", "densite")]
    ages = [row(by_code[f"age.{code}"]) for code, _ in AGE_BANDS] + [row(by_code["age.75_plus"])]
    supply = []
    count_decimals = formatting.decimals_for_unit("professionnels")
    categories = [e["categorie"] for e in entries if e.get("mesure") == "effectif"]
    for category in categories:
        base = f"offre.{category}"
        effectif = by_code[f"{base}.effectif"]
        supply.append(
            {
                "libelle": effectif["libelle"].split(" : ")[0],
                "effectif": fmt(effectif["valeur"], effectif["secret"], count_decimals),
                "liberaux": fmt(
                    by_code[f"{base}.liberaux"]["valeur"],
                    by_code[f"{base}.liberaux"]["secret"],
                    count_decimals,
                ),
                "densite": row(by_code[f"{base}.densite"]),
            }
        )
    evolution = []
    for e in entries:
        if e["bloc"] != "evolution":
            continue
        # a change reads with its sign: +1 234 / −56
        evolution.append(row(e, e["code"] in ("evolution.absolue", "evolution.taux_annuel")))
    gp60 = by_code.get("offre.medecin_generaliste.part_60_plus")
    health = [row(e) for e in entries if e["bloc"] == "sante"]

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
