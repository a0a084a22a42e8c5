"""``maillage opendata fetch``: official files of a département, downloaded and imported."""

from __future__ import annotations

from pathlib import Path

import click

from maillage.engine.sources.errors import SourceError


@click.group("opendata")
def group() -> None:
    """Télécharge et importe les données ouvertes officielles."""


@group.command("fetch")
@click.option("--departement", required=True, help="Code du département (ex. 83, 2A, 974).")
@click.option(
    "--dossier",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Où garder les fichiers téléchargés (défaut : DATA_DIR/opendata/NN).",
)
@click.option("--dry-run", is_flag=True, help="Télécharge et vérifie sans rien écrire en base.")
def fetch(departement: str, dossier: Path | None, dry_run: bool) -> None:
    """Télécharge le découpage administratif, les contours et les centres des communes du
    département, les vérifie puis les importe."""
    from maillage.web import setup

    setup()
    from django.conf import settings

    from maillage.web.territories import opendata

    departement = departement.upper().zfill(2)
    directory = dossier or Path(settings.DATA_DIR) / "opendata" / departement
    received = [0]

    def progress(size: int) -> None:
        received[0] += size

    for item in opendata.plan(departement, directory):
        click.echo(f"  {item.url}")
    try:
        reports = opendata.fetch(departement, directory, progress=progress, dry_run=dry_run)
    except SourceError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"{received[0] / 1e6:.1f} Mo téléchargés dans {directory}")
    for report in reports:
        for line in report.lines():
            click.echo(line)
