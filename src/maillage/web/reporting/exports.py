"""The key figures as JSON, XLSX or PDF (through the shared export module).

The workbook holds numbers as numbers (counts, shares in percent with one decimal, amounts in
euros with two), with the labels of the page; the PDF is the print template.
"""

from __future__ import annotations

from pathlib import Path

from django.template.loader import render_to_string

from maillage.engine import formatting
from maillage.web import exports
from maillage.web.exports import INTEGER, MONEY, NUMBER, Column, Figure, Table

from .services import COORDINATION_LABELS

PRINT_CSS = Path(__file__).with_name("static") / "reporting" / "rapport-print.css"
SHARE_DECIMALS = formatting.decimals_for_unit("%")
DENSITY_DECIMALS = formatting.decimals_for_unit("pour 100 000 hab.")


def as_json(figures: dict) -> bytes:
    return exports.json_bytes(figures)


def _count(value) -> Figure:
    return Figure(value, 0)


def _outreach(figures: dict) -> Table:
    a = figures["accompagnement"]
    table = Table("Accompagnement", [Column("Indicateur"), Column("Valeur")])
    departement = figures["departement"]
    table.add("Département", f"{departement['nom']} ({departement['code']})")
    table.add("Année", str(figures["annee"]))
    table.add("Accompagnements (hors webinaires)", _count(a["accompagnements"]["valeur"]))
    table.add(
        "Part des médecins généralistes (%)",
        Figure(a["part_medecins_generalistes"]["valeur"], SHARE_DECIMALS),
    )
    table.add("Webinaires", _count(a["webinaires"]["valeur"]))
    table.add("Participants aux webinaires", _count(a["participants_webinaires"]["valeur"]))
    for key, label in (
        ("nouveaux", "Nouveaux professionnels"),
        ("infirmiers", "Nouveaux infirmiers"),
    ):
        block = a["installations"][key]
        table.add(f"{label} installés", _count(block["installes"]["valeur"]))
        table.add(f"{label} accompagnés", _count(block["accompagnes"]["valeur"]))
        table.add(f"{label} contrôlés", _count(block["controles"]["valeur"]))
    for row in a["par_canal"]:
        table.add(f"Contacts par canal : {row['libelle']}", _count(row["valeur"]))
    for row in a["par_profession"]:
        table.add(f"Contacts par profession : {row['libelle']}", _count(row["valeur"]))
    table.add("Versements de l'année (€)", Figure(a["versements_total"]["valeur"], money=True))
    return table


def _contracts(figures: dict) -> Table:
    table = Table(
        "Contrats",
        [
            Column("Type"),
            Column("Nombre signés", INTEGER),
            Column("Montant prévu (€)", MONEY),
            Column("Versé dans l'année (€)", MONEY),
        ],
    )
    for row in figures["accompagnement"]["contrats"]:
        table.add(row["libelle"], row["nombre"], row["montant_prevu"], row["verse_dans_annee"])
    return table


def _coordination(figures: dict) -> Table:
    c = figures["exercice_coordonne"]
    table = Table("Exercice coordonné", [Column("Indicateur"), Column("Valeur")])
    if not c["disponible"]:
        table.add("Indisponible", c["message"])
        return table
    shown = {row["cle"]: row for row in c["lignes"]}
    for key, value in c["chiffres"].items():
        if key not in shown:
            continue  # département and year: in the first sheet
        label, kind = COORDINATION_LABELS.get(key, (shown[key]["libelle"], ""))
        if kind == "part" and formatting.is_number(value):
            value = Figure(100 * value, SHARE_DECIMALS)
            label += " (%)"
        elif kind == "montant":
            value = Figure(value, money=True)
        elif kind == "nombre":
            value = _count(value)
        else:
            value = shown[key]["valeur"]  # the page's text (professions listed by label)
        table.add(label, value)
    return table


def _supply(figures: dict) -> Table:
    o = figures["offre"]
    y0, y1 = o["annees"]
    table = Table(
        "Offre de soins",
        [
            Column("Catégorie"),
            Column(f"Nombre {y0}", INTEGER),
            Column(f"Densité {y0} (pour 100 000 hab.)", NUMBER, DENSITY_DECIMALS),
            Column(f"Nombre {y1}", INTEGER),
            Column(f"Densité {y1} (pour 100 000 hab.)", NUMBER, DENSITY_DECIMALS),
        ],
        preamble=[("Note", o["note"]), ("Population", o["population"])],
    )
    for row in o["lignes"]:
        table.add(
            row["libelle"],
            row["nombre_precedent"],
            row["densite_precedente"],
            row["nombre"],
            row["densite"],
        )
    return table


def as_xlsx(figures: dict) -> bytes:
    return exports.xlsx_bytes(
        [_outreach(figures), _contracts(figures), _coordination(figures), _supply(figures)]
    )


def as_html(figures: dict) -> str:
    from .evolution import charts, series

    drawn = charts(series(figures["departement"]["code"], figures["annee"]))
    return render_to_string("reporting/rapport_print.html", {"f": figures, "evolution": drawn})


def as_pdf(figures: dict) -> bytes:
    return exports.pdf_bytes(as_html(figures), [PRINT_CSS])


RENDERERS = {"json": as_json, "xlsx": as_xlsx, "pdf": as_pdf}


def render(figures: dict, fmt: str) -> bytes:
    if fmt not in RENDERERS:
        raise ValueError(fmt)
    return RENDERERS[fmt](figures)
