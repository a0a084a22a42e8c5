"""The key figures as JSON, XLSX (openpyxl) or PDF (WeasyPrint, from an HTML template)."""

from __future__ import annotations

import io
import json
from pathlib import Path

from django.template.loader import render_to_string

PRINT_CSS = Path(__file__).with_name("static") / "reporting" / "rapport-print.css"


def as_json(figures: dict) -> bytes:
    return json.dumps(figures, ensure_ascii=False, indent=2, default=str).encode()


def as_xlsx(figures: dict) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Accompagnement"
    a = figures["accompagnement"]
    sheet.append(["Chiffres clés", figures["departement"]["nom"], figures["annee"]])
    sheet.append(["Accompagnements (hors webinaires)", a["accompagnements"]["valeur"]])
    sheet.append(["Part des médecins généralistes (%)", a["part_medecins_generalistes"]["valeur"]])
    sheet.append(["Webinaires", a["webinaires"]["valeur"]])
    sheet.append(["Participants aux webinaires", a["participants_webinaires"]["valeur"]])
    for key, label in (
        ("nouveaux", "Nouveaux professionnels"),
        ("infirmiers", "Nouveaux infirmiers"),
    ):
        block = a["installations"][key]
        sheet.append([f"{label} installés", block["installes"]["valeur"]])
        sheet.append([f"{label} accompagnés", block["accompagnes"]["valeur"]])
        sheet.append([f"{label} contrôlés", block["controles"]["valeur"]])
    sheet.append([])
    sheet.append(["Canal", "Contacts"])
    for row in a["par_canal"]:
        sheet.append([row["libelle"], row["valeur"]])
    sheet.append([])
    sheet.append(["Profession", "Contacts"])
    for row in a["par_profession"]:
        sheet.append([row["libelle"], row["valeur"]])
    contracts = workbook.create_sheet("Contrats")
    contracts.append(["Type", "Nombre signés", "Montant prévu (€)", "Versé dans l'année (€)"])
    for row in a["contrats"]:
        contracts.append(
            [row["libelle"], row["nombre"], row["montant_prevu"], row["verse_dans_annee"]]
        )
    coordination = workbook.create_sheet("Exercice coordonné")
    c = figures["exercice_coordonne"]
    if c["disponible"]:
        for key, value in c["chiffres"].items():
            if isinstance(value, dict | list):
                value = json.dumps(value, ensure_ascii=False, default=str)
            coordination.append([key, value])
    else:
        coordination.append([c["message"]])
    supply = workbook.create_sheet("Offre de soins")
    o = figures["offre"]
    y0, y1 = o["annees"]
    supply.append(["Catégorie", f"Nombre {y0}", f"Densité {y0}", f"Nombre {y1}", f"Densité {y1}"])
    for row in o["lignes"]:
        supply.append(
            [
                row["libelle"],
                row["nombre_precedent"],
                row["densite_precedente"],
                row["nombre"],
                row["densite"],
            ]
        )
    supply.append([o["note"]])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def as_html(figures: dict) -> str:
    return render_to_string("reporting/rapport_print.html", {"f": figures})


def as_pdf(figures: dict) -> bytes:
    from weasyprint import CSS, HTML

    return HTML(string=as_html(figures)).write_pdf(stylesheets=[CSS(filename=str(PRINT_CSS))])


def render(figures: dict, fmt: str) -> tuple[bytes, str]:
    if fmt == "json":
        return as_json(figures), "application/json"
    if fmt == "xlsx":
        return as_xlsx(figures), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    if fmt == "pdf":
        return as_pdf(figures), "application/pdf"
    raise ValueError(fmt)
