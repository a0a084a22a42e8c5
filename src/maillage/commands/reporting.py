"""``maillage rapport``: the key figures of the activity report for a département and year."""

from __future__ import annotations

import sys
from pathlib import Path

import click


def register(main: click.Group, import_group: click.Group) -> None:
    @main.command("rapport")
    @click.option("--departement", required=True, help="Code du département (ex. 07).")
    @click.option("--annee", type=int, required=True, help="Année du rapport.")
    @click.option(
        "--format",
        "fmt",
        type=click.Choice(["json", "pdf", "xlsx"]),
        default="json",
        show_default=True,
    )
    @click.option(
        "--output",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Fichier de sortie (défaut : JSON à l'écran, sinon chiffres-cles-NN-AAAA.ext)",
    )
    def rapport(departement, annee, fmt, output):
        """Chiffres clés « Accompagner les professionnels de santé » et « exercice coordonné »."""
        from maillage.cli import setup_django

        setup_django()
        from maillage.web.reporting import exports, services
        from maillage.web.territories.models import Departement

        if not Departement.objects.filter(code=departement).exists():
            raise click.ClickException(f"département inconnu : {departement}")
        content = exports.render(services.key_figures(departement, annee), fmt)
        if output is None and fmt == "json":
            sys.stdout.buffer.write(content + b"\n")
            return
        output = output or Path(f"chiffres-cles-{departement}-{annee}.{fmt}")
        output.write_bytes(content)
        click.echo(f"rapport écrit : {output} ({len(content):,} octets)".replace(",", " "))
