"""The diagnosis as CSV and XLSX tables (written by the shared export module).

Reads the already-published result (secrecy applied by the engine): a protected value reaches
the file only as the marker the result holds (« secret statistique »), written as text in its
numeric column. Each figure is rounded to the precision of its unit (the same as the page).
"""

from __future__ import annotations

from typing import Any

from maillage.engine import formatting
from maillage.engine.indicators import SECRET_LABEL
from maillage.web import exports
from maillage.web.exports import INTEGER, NUMBER, Column, Figure, Table

BLOCKS = (
    ("population", "Population"),
    ("evolution", "Évolution de la population"),
    ("ages", "Âges"),
    ("offre", "Offre de soins"),
    ("sante", "Indicateurs de santé"),
)
LEVELS = (("departement", "Département"), ("region", "Région"), ("france", "France"))


def _columns(with_block: bool) -> list[Column]:
    columns = [
        Column("Code"),
        Column("Indicateur"),
        Column("Valeur", NUMBER),
        Column("Unité"),
        Column("Numérateur", NUMBER),
        Column("Dénominateur", NUMBER),
        Column("Secret statistique"),
        *(Column(label, NUMBER) for _level, label in LEVELS),
        Column("Source"),
        Column("Millésime"),
    ]
    return [Column("Bloc"), *columns] if with_block else columns


def _figure(value: Any, secret: bool, unit: str) -> Any:
    if secret:
        return SECRET_LABEL
    return Figure(value, formatting.decimals_for_unit(unit))


def _term(value: Any) -> Any:
    """A numerator or denominator: a count (whole) or a weighted sum (one decimal)."""
    if not formatting.is_number(value):
        return value
    return Figure(value, 0 if float(value).is_integer() else 1)


def indicator_rows(result: dict[str, Any], bloc: str) -> list[list[Any]]:
    rows = []
    for e in result["indicateurs"]:
        if e["bloc"] != bloc:
            continue
        unit = e["unite"]
        secret_cmp = e.get("secret_comparaisons", {})
        rows.append(
            [
                e["code"],
                e["libelle"],
                _figure(e["valeur"], e["secret"], unit),
                unit,
                _term(e["numerateur"]),
                _term(e["denominateur"]),
                "oui" if e["secret"] else "non",
                *(
                    _figure(e["comparaisons"].get(level), secret_cmp.get(level, False), unit)
                    for level, _label in LEVELS
                ),
                e["source"],
                e["millesime"],
            ]
        )
    return rows


def _summary(result: dict[str, Any]) -> list[tuple[str, Any]]:
    t = result["territoire"]
    fonct = t.get("fonctionnement_cpts") or {}
    return [
        ("Territoire", t.get("nom", "")),
        ("Nombre de communes", t["nb_communes"]),
        ("Population", t["population"]),
        ("Surface (km²)", Figure(t["surface_km2"], formatting.decimals_for_unit("km²"))),
        ("Densité (hab./km²)", Figure(t["densite"], formatting.decimals_for_unit("hab./km²"))),
        ("Taille de CPTS", t["taille_cpts"]),
        ("Fonctionnement CPTS (€ par an)", Figure(fonct.get("montant"), money=True)),
        ("Paramètres vérifiés", "oui" if fonct.get("verifie") else "non vérifié"),
        ("Date", formatting.as_date(result["date"])),
        (
            "Secret statistique",
            f"effectifs communaux < {result['secret']['seuil']} remplacés par une valeur de "
            "substitution fixe ; totaux pouvant être sous le seuil masqués",
        ),
        ("Communes", ", ".join(t["communes"])),
    ]


def to_csv(result: dict[str, Any]) -> bytes:
    """One table, one line per indicator, preceded by the territory's summary."""
    table = Table("Diagnostic", _columns(with_block=True), preamble=_summary(result))
    for bloc, _label in BLOCKS:
        for row in indicator_rows(result, bloc):
            table.add(bloc, *row)
    return exports.csv_bytes(table)


def to_xlsx(result: dict[str, Any]) -> bytes:
    """A summary sheet, one sheet per block, establishments and coordinated structures."""
    summary = Table("Territoire", [Column("Élément"), Column("Valeur")])
    for label, value in _summary(result):
        summary.add(label, value)
    tables = [summary]
    for bloc, label in BLOCKS:
        tables.append(Table(label, _columns(with_block=False), indicator_rows(result, bloc)))
    establishments = Table(
        "Établissements",
        [
            Column("Classe"),
            Column("Libellé"),
            Column("Nombre dans le territoire", INTEGER),
            Column("Plus proche"),
            Column("Commune"),
            Column("Distance (km)", NUMBER, formatting.decimals_for_unit("km")),
        ],
    )
    for e in result["etablissements"]:
        near = e["plus_proche"] or {}
        establishments.add(
            e["classe"],
            e["libelle"],
            e["nombre"],
            near.get("nom"),
            near.get("commune"),
            near.get("distance_km"),
        )
    structures = Table(
        "Exercice coordonné",
        [
            Column("Type"),
            Column("Nom"),
            Column("Identifiant"),
            Column("Relation"),
            Column("Communes dans le territoire", INTEGER),
        ],
    )
    for kind, rows in result["structures"].items():
        for s in rows:
            structures.add(
                kind, s["nom"], s["identifiant"], s["relation"], s["communes_dans_le_territoire"]
            )
    tables += [establishments, structures]
    return exports.xlsx_bytes(tables)
