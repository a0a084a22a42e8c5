"""``maillage aci echeancier`` / ``maillage aci export-contrat``: ACI contracts from the database.

Both go through ``coordination.services.contract_json``, the same JSON that ``maillage aci
calcul`` reads, so the schedule printed from the database and from an exported file agree.
"""

from __future__ import annotations

import json
from pathlib import Path

import click


def _contract(contract_id: int):
    from maillage.cli import setup_django

    setup_django()
    from maillage.web.coordination.models import Contract

    try:
        return Contract.objects.select_related("dossier__structure").get(pk=contract_id)
    except Contract.DoesNotExist:
        raise click.ClickException(f"contrat {contract_id} introuvable") from None


@click.command(name="echeancier")
@click.option("--contrat", "contract_id", type=int, required=True, help="Identifiant du contrat.")
@click.option("--annee", type=click.IntRange(2015, 2100), default=None, help="Année civile.")
@click.option("--json", "as_json", is_flag=True, help="Résultat en JSON.")
def echeancier(contract_id: int, annee: int | None, as_json: bool) -> None:
    """Échéancier d'un contrat enregistré (mêmes résultats que `maillage aci calcul`)."""
    from maillage.commands.aci import render_text
    from maillage.engine.rules.contract import ContractError
    from maillage.engine.rules.report import compute_contract

    contract = _contract(contract_id)
    from maillage.web.coordination.services import contract_json

    try:
        report = compute_contract(contract_json(contract), annee)
    except ContractError as error:
        raise click.ClickException(f"contrat {contract_id} : {error}") from error
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        click.echo("\n".join(render_text(report)))


@click.command(name="export-contrat")
@click.argument("contract_id", metavar="ID", type=int)
@click.option(
    "-o",
    "--sortie",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Fichier JSON à écrire (par défaut : sortie standard).",
)
def export_contrat(contract_id: int, sortie: Path | None) -> None:
    """Exporte le contrat ID au format JSON lu par `maillage aci calcul`."""
    contract = _contract(contract_id)
    from maillage.web.coordination.services import contract_json

    text = json.dumps(contract_json(contract), ensure_ascii=False, indent=2) + "\n"
    if sortie is None:
        click.echo(text, nl=False)
    else:
        sortie.write_text(text, encoding="utf-8")
        click.echo(f"Contrat {contract_id} écrit dans {sortie}", err=True)


def register(main: click.Group, import_group: click.Group) -> None:
    group = main.commands.get("aci")
    if group is None:  # pragma: no cover - the aci group is registered by cli.py
        from maillage.commands.aci import group

        main.add_command(group)
    group.add_command(echeancier)
    group.add_command(export_contrat)
