"""The ``maillage`` command: imports, computations, demo and server.

Commands that touch the database configure Django lazily, so that ``maillage access`` or
``maillage aci`` work on plain files without any database.
"""

from __future__ import annotations

import importlib
import json
import sys
import time
from pathlib import Path

import click

from maillage.engine.sources.errors import SourceError

# Command groups living in their own module: (module, attribute).
EXTRA_COMMANDS = (
    ("maillage.commands.access", "group"),
    ("maillage.commands.aci", "group"),
    ("maillage.commands.aides", "command"),
    ("maillage.commands.opendata", "group"),
    ("maillage.commands.demo", "demo"),
    ("maillage.commands.demo", "serve"),
)
# Modules of the web apps that add commands with ``register(main, import_group)``: imports go
# under ``maillage import``, other commands at the top level.
REGISTERING_MODULES = (
    "maillage.commands.territories",
    "maillage.commands.supply",
    "maillage.commands.diagnostics",
    "maillage.commands.zoning",
    "maillage.commands.coordination",
    "maillage.commands.outreach",
    "maillage.commands.reporting",
)


def setup_django() -> None:
    from maillage.web import setup

    setup()


class Progress:
    """Line counter on stderr for long imports (a live counter on a terminal)."""

    def __init__(self, label: str):
        self.label = label
        self.count = 0
        self.started = time.monotonic()
        self.live = sys.stderr.isatty()

    def __call__(self, increment: int) -> None:
        self.count += increment
        if self.live:
            click.echo(
                f"\r{self.label} : {self.count:,} enregistrements lus".replace(",", " "),
                err=True,
                nl=False,
            )

    def done(self) -> None:
        if self.live and self.count:
            click.echo("", err=True)


def run_import(label: str, function, *args, as_json: bool = False, **kwargs) -> None:
    """Run an import with progress and its report; ``function`` may be named
    ``"module:attribute"`` so that it is imported only once Django is configured."""
    setup_django()
    if isinstance(function, str):
        module_name, attribute = function.split(":")
        function = getattr(importlib.import_module(module_name), attribute)
    progress = Progress(label)
    started = time.monotonic()
    try:
        report = function(*args, progress=progress, **kwargs)
    except SourceError as error:
        progress.done()
        raise click.ClickException(str(error)) from error
    progress.done()
    if as_json:
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    else:
        for line in report.lines():
            click.echo(line)
        click.echo(f"  durée : {time.monotonic() - started:.1f} s")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="maillage")
def main() -> None:
    """maillage — territoires, offre de soins et exercice coordonné."""


dry_run_option = click.option(
    "--dry-run", is_flag=True, help="Analyse le fichier et affiche les comptes sans rien écrire."
)
json_option = click.option("--json", "as_json", is_flag=True, help="Compte rendu en JSON.")
existing_file = click.Path(exists=True, dir_okay=False, path_type=Path)


@main.group(name="import")
def import_group() -> None:
    """Importe des fichiers officiels (atomique, idempotent, --dry-run)."""


@import_group.command("communes-etalab")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--departement", help="N'importe que les communes de ce département.")
@click.option(
    "--annee-population",
    type=int,
    default=None,
    help="Millésime des populations légales du paquet (défaut : 2023).",
)
@dry_run_option
@json_option
def import_communes_etalab(directory, departement, annee_population, dry_run, as_json):
    """Régions, départements, EPCI et communes du paquet @etalab/decoupage-administratif."""
    # Without the option, the importer's own documented default year applies.
    year = {"population_year": annee_population} if annee_population else {}
    run_import(
        "Découpage administratif",
        "maillage.web.territories.importers:import_etalab",
        directory,
        dry_run=dry_run,
        departement=departement,
        as_json=as_json,
        **year,
    )


@import_group.command("cog")
@click.argument("file", type=existing_file)
@dry_run_option
@json_option
def import_cog(file, dry_run, as_json):
    """Communes du Code officiel géographique de l'INSEE (v_commune_AAAA.csv)."""
    run_import(
        "COG",
        "maillage.web.territories.importers:import_cog",
        file,
        dry_run=dry_run,
        as_json=as_json,
    )


@import_group.command("populations")
@click.argument("file", type=existing_file)
@click.option(
    "--annee", type=int, required=True, help="Millésime des populations légales (ex. 2021)."
)
@dry_run_option
@json_option
def import_populations(file, annee, dry_run, as_json):
    """Populations légales (donnees_communes.csv) ; arrondissements sommés pour Paris, Lyon,
    Marseille."""
    run_import(
        "Populations légales",
        "maillage.web.territories.importers:import_legal_populations",
        file,
        annee,
        dry_run=dry_run,
        as_json=as_json,
    )


@import_group.command("populations-ages")
@click.argument("file", type=existing_file)
@dry_run_option
@json_option
def import_populations_ages(file, dry_run, as_json):
    """Populations par tranche d'âge (base-cc-evol-struct-pop-AAAA, millésime détecté)."""
    run_import(
        "Populations par âge",
        "maillage.web.territories.importers:import_age_populations",
        file,
        dry_run=dry_run,
        as_json=as_json,
    )


@import_group.command("communes-points")
@click.argument("file", type=existing_file)
@dry_run_option
@json_option
def import_communes_points(file, dry_run, as_json):
    """Centres des communes : CSV code_insee,latitude,longitude."""
    run_import(
        "Centres des communes",
        "maillage.web.territories.importers:import_points",
        file,
        dry_run=dry_run,
        as_json=as_json,
    )


@import_group.command("communes-geojson")
@click.argument("files", type=existing_file, nargs=-1, required=True)
@dry_run_option
@json_option
def import_communes_geojson(files, dry_run, as_json):
    """Contours (simplifiés pour l'affichage) ou centres de communes en GeoJSON."""
    run_import(
        "Contours des communes",
        "maillage.web.territories.outlines:import_geojson",
        list(files),
        dry_run=dry_run,
        as_json=as_json,
    )


@main.command("commune")
@click.argument("code")
@click.option("--json", "as_json", is_flag=True, help="Sortie JSON.")
def commune(code, as_json):
    """Fiche d'une commune du référentiel."""
    setup_django()
    from maillage.web.territories.models import Commune
    from maillage.web.territories.services import commune_summary

    found = Commune.objects.filter(code=code).first()
    if found is None:
        raise click.ClickException(f"commune {code} absente du référentiel")
    from maillage.web.supply.services import commune_offer

    summary = commune_summary(found)
    summary["offre"] = commune_offer(found)
    if as_json:
        click.echo(json.dumps(summary, ensure_ascii=False))
        return
    for key, value in summary.items():
        click.echo(f"{key:>17} : {value}")


@main.command("parametres")
@click.option(
    "--date",
    "on",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="Date de vigueur (défaut : aujourd'hui).",
)
@click.option(
    "--non-verifies",
    is_flag=True,
    help="Seulement les valeurs non vérifiées ou dont la référence n'a pas d'URL.",
)
@click.option("--json", "as_json", is_flag=True, help="Sortie JSON (historique complet).")
def parametres(on, non_verifies, as_json):
    """Paramètres datés (textes, conventions, méthodes) et leur statut de vérification."""
    import datetime as dt

    setup_django()  # the page module imports the API layer, which needs Django configured
    from maillage.web.parameters import all_parameters

    day = on.date() if on else dt.date.today()
    rows = all_parameters()
    if as_json:
        click.echo(
            json.dumps(
                [
                    row.__dict__ | {"historique": [p.__dict__ for p in row.historique]}
                    for row in rows
                ],
                ensure_ascii=False,
                indent=2,
                default=str,
            )
        )
        return
    for row in rows:
        period = row.en_vigueur(day)
        if period is None or (non_verifies and period.verifie and period.url):
            continue
        status = "vérifié" if period.verifie else "NON VÉRIFIÉ"
        click.echo(f"{row.nom} = {period.valeur} {row.unite} (depuis {period.debut}, {status})")
        source = f"<{period.url}>" if period.url else "référence sans URL"
        click.echo(f"    {period.reference} — {source} — {row.verification}")


@main.command("manage", context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.pass_context
def manage(ctx):
    """Commandes d'administration Django (migrate, createsuperuser, check…)."""
    setup_django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["maillage manage", *ctx.args])


def _optional_module(name: str):
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as error:
        if error.name == name:
            return None  # module of a feature not installed in this version
        raise


def _register_extra_commands() -> None:
    for module_name, attribute in EXTRA_COMMANDS:
        main.add_command(getattr(importlib.import_module(module_name), attribute))
    for module_name in REGISTERING_MODULES:
        module = _optional_module(module_name)
        if module is not None:
            module.register(main, import_group)


_register_extra_commands()

if __name__ == "__main__":
    main()
