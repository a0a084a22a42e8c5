"""Files of a contract: the yearly statement (CSV, XLSX, PDF) and its change history (CSV).

The tables are written by the shared export module, so amounts are numbers with two decimals,
dates are dates and a payment reference or a structure name cannot become a formula.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.template.loader import render_to_string

from maillage.web import exports
from maillage.web.exports import DATE, DATETIME, MONEY, Column, Table

STATEMENT_COLUMNS = [
    Column("Type"),
    Column("Date", DATE),
    Column("Année de contrat"),
    Column("Mission"),
    Column("Composante"),
    Column("Montant (€)", MONEY),
    Column("Détail ou référence"),
]
PENDING = "en attente"


def statement_table(stmt: dict[str, Any], contract, year: int) -> Table:
    table = Table(
        f"Relevé {year}",
        STATEMENT_COLUMNS,
        preamble=[
            ("Contrat", str(contract)),
            ("Structure", contract.dossier.structure.nom),
            ("Année civile", str(year)),
            ("Établi le", dt.date.today()),
        ],
    )
    for r in stmt["dus"]:
        table.add(
            "dû",
            r.get("date"),
            r.get("annee_contrat"),
            r.get("mission_libelle", ""),
            r.get("composante_libelle", ""),
            PENDING if r["montant"] is None else r["montant"],
            r.get("detail", ""),
        )
    for p in stmt["verses"]:
        table.add(
            "versé",
            p.date,
            p.annee_contrat,
            p.get_mission_display(),
            p.composante,
            p.montant,
            p.reference,
        )
    table.add("total dû", None, None, None, None, stmt["total_du"], None)
    table.add("total versé", None, None, None, None, stmt["total_verse"], None)
    table.add("écart dû − versé", None, None, None, None, stmt["ecart"], None)
    return table


def rules_table(stmt: dict[str, Any]) -> Table:
    """The rule applied to each amount and why (the « Règles appliquées » of the page)."""
    table = Table(
        "Règles appliquées",
        [Column("Objet"), Column("Années de contrat"), Column("Règle"), Column("Raison")],
    )
    for e in stmt["rapport"].get("explications", []):
        years = ", ".join(str(y) for y in e.get("annees_contrat", []))
        table.add(e["objet"], years or "toutes", e["regle"], e["raison"])
    return table


def statement_file(stmt: dict[str, Any], contract, year: int, fmt: str) -> bytes:
    if fmt == "csv":
        return exports.csv_bytes(statement_table(stmt, contract, year))
    if fmt == "xlsx":
        return exports.xlsx_bytes([statement_table(stmt, contract, year), rules_table(stmt)])
    if fmt == "pdf":
        html = render_to_string(
            "coordination/releve_pdf.html", {"releve": stmt, "contrat": contract, "annee": year}
        )
        return exports.pdf_bytes(html)
    raise ValueError(fmt)


def audit_table(changes) -> Table:
    """The history of a contract (:func:`..history.contract_history`) as a table."""
    table = Table(
        "Historique",
        [
            Column("Date", DATETIME),
            Column("Utilisateur"),
            Column("Action"),
            Column("Objet"),
            Column("Avant"),
            Column("Après"),
        ],
    )
    for change in changes:
        row = change.as_row()
        table.add(
            change.at, row["utilisateur"], row["action"], row["libelle"], row["avant"], row["apres"]
        )
    return table
