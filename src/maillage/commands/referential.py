"""``maillage import`` of the territory referential: découpage administratif (Etalab), COG,
legal populations, populations by age band, centres and outlines of the communes.

Each command names its importer as ``"module:function"``: the web layer is imported only when
the command runs.
"""

from __future__ import annotations

from pathlib import Path

import click

from maillage.cli import dry_run_option, existing_file, json_option, run_import


@click.command("communes-etalab")
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


@click.command("cog")
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


@click.command("populations")
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


@click.command("populations-ages")
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


@click.command("communes-points")
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


@click.command("communes-geojson")
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


def register(main: click.Group, import_group: click.Group) -> None:
    for command in (
        import_communes_etalab,
        import_cog,
        import_populations,
        import_populations_ages,
        import_communes_points,
        import_communes_geojson,
    ):
        import_group.add_command(command)
