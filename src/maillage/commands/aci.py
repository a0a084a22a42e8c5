"""``maillage aci``: ACI remuneration of a CPTS or an MSP contract, from a JSON file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from maillage.engine import formatting
from maillage.engine.parameters import ParameterError
from maillage.engine.rules.contract import ContractError, load_contract_file
from maillage.engine.rules.report import compute_contract


@click.group(name="aci", help="Accords conventionnels interprofessionnels (CPTS, MSP).")
def group() -> None:
    """ACI commands."""


@group.command(name="calcul")
@click.argument("contrat", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--annee",
    type=click.IntRange(2015, 2100),
    default=None,
    help="Année civile : versements datés de cette année (CPTS) ou exercice (MSP).",
)
@click.option("--json", "as_json", is_flag=True, help="Résultat en JSON.")
def calcul(contrat: Path, annee: int | None, as_json: bool) -> None:
    """Montants dus, versements datés et paramètres utilisés pour le contrat CONTRAT (JSON).

    Format du fichier : docs/regles.md ; exemples dans docs/exemples/.
    """
    try:
        report = compute_contract(load_contract_file(contrat), annee)
    except (ContractError, ParameterError) as error:
        raise click.ClickException(f"{contrat.name} : {error}") from error
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        click.echo("\n".join(render_text(report)))


def _money(value: float | None) -> str:
    return formatting.money(value, missing="en attente")


def _table(headers: list[str], rows: list[list[str]], right: set[int]) -> list[str]:
    widths = [
        max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)
    ]

    def fmt(cells: list[str]) -> str:
        return "  ".join(
            c.rjust(w) if i in right else c.ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    return [fmt(headers), fmt(["-" * w for w in widths]), *(fmt(r) for r in rows)]


def _status(statut: str) -> str:
    return "vérifié" if statut == "verifie" else "NON VÉRIFIÉ"


def render_text(report: dict[str, Any]) -> list[str]:
    """French, human-readable rendering of :func:`compute_contract`'s report."""
    out: list[str] = []
    period = f" — année {report['annee_civile']}" if report["annee_civile"] else ""
    if report["type"] == "cpts":
        out.append(
            f"CPTS « {report['nom']} » — taille {report['taille']} — signée le "
            f"{report['date_signature']}{period}"
        )
        out += ["", "Montants dus par année de contrat"]
        out += _table(
            ["Année", "Période", "Mission", "Composante", "Montant", "Détail"],
            [
                [
                    str(line["annee_contrat"]),
                    f"{line['debut']} → {line['fin']}",
                    line["mission_libelle"],
                    line["composante_libelle"],
                    _money(line["montant"]),
                    line["detail"],
                ]
                for line in report["lignes"]
            ],
            {4},
        )
        out += ["", "Versements"]
        out += _table(
            ["Date", "Année", "Mission", "Composante", "Montant"],
            [
                [
                    p["date"],
                    str(p["annee_contrat"]),
                    p["mission_libelle"],
                    p["composante_libelle"],
                    _money(p["montant"]),
                ]
                for p in report["versements"]
            ],
            {4},
        )
        out.append(f"Total des versements connus : {_money(report['total_versements'])}")
        if report["versements_en_attente"]:
            out.append(
                f"Versements en attente de résultats d'indicateurs : "
                f"{report['versements_en_attente']}"
            )
        if report["plafonnement_membres"]:
            out += ["", "Plafonnement des sommes versées aux membres (PASS)"]
            out += _table(
                ["Année", "Membre", "Montant", "Plafond", "Dépassement"],
                [
                    [
                        str(r["annee"]),
                        r["membre"],
                        _money(r["montant"]),
                        _money(r["plafond"]),
                        _money(r["depassement"]),
                    ]
                    for r in report["plafonnement_membres"]
                ],
                {2, 3, 4},
            )
    else:
        out.append(f"MSP « {report['nom']} »{period}")
        for ex in report["exercices"]:
            out += ["", f"Exercice {ex['annee']} — patientèle {ex['patientele']}"]
            out += _table(
                ["Critère", "Catégorie", "Atteinte", "Fixe", "Variable", "Montant"],
                [
                    [
                        line["libelle"] or line["critere"],
                        line["categorie_libelle"],
                        f"{line['taux_atteinte'] * 100:.0f} %",
                        _money(line["montant_fixe"]),
                        _money(line["montant_variable"]),
                        _money(line["montant"]),
                    ]
                    for line in ex["lignes"]
                ],
                {2, 3, 4, 5},
            )
            out.append(f"Rémunération de l'année : {_money(ex['total'])}")
            for p in ex["versements"]:
                date = p["date"] or "date à fixer"
                out.append(
                    f"  {p['composante']:<6} {date:<12} {_money(p['montant']):>14}  {p['detail']}"
                )
    if report.get("explications"):
        out += ["", "Règles appliquées"]
        for e in report["explications"]:
            years = e["annees_contrat"]
            which = ""
            if years:
                which = f" (année{'s' if len(years) > 1 else ''} {', '.join(map(str, years))})"
            out.append(f"  • {e['objet']}{which} : {e['regle']}")
            out.append(f"    pourquoi : {e['raison']}")
    if report["alertes"]:
        out += ["", "Alertes"]
        out += [f"  ! {a}" for a in report["alertes"]]
    out += ["", "Paramètres utilisés"]
    for p in report["parametres"]:
        key = f"[{p['cle']}]" if p["cle"] is not None else ""
        out.append(
            f"  {p['nom']}{key} = {p['valeur']} {p['unite']} (depuis le {p['en_vigueur_depuis']}) "
            f"— {_status(p['statut'])} [{p['source_tag']}] — {p['reference']['titre']}"
        )
    if report["statut"] != "verifie":
        out += ["", "Attention : certains paramètres utilisés ne sont pas vérifiés."]
    return out
