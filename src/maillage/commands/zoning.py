"""``maillage import zonage`` (official ARS zoning) and ``maillage zonage`` (simulation, export)."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import click

PROFESSION_HELP = "Profession : medecin_generaliste, masseur_kinesitherapeute ou infirmier."


def _date(ctx, param, value):
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("date attendue AAAA-MM-JJ") from None


def register(main: click.Group, import_group: click.Group) -> None:
    from maillage.cli import dry_run_option, existing_file, json_option, run_import

    @import_group.command("zonage")
    @click.argument("file", type=existing_file)
    @click.option("--profession", required=True, help=PROFESSION_HELP)
    @click.option(
        "--arrete-date", required=True, callback=_date, help="Date de l'arrêté (AAAA-MM-JJ)."
    )
    @click.option("--reference", default="", help="Référence de l'arrêté (titre, NOR…).")
    @click.option(
        "--tvs-communes",
        type=existing_file,
        default=None,
        help="Correspondance « tvs;commune » : les codes du fichier sont alors des TVS.",
    )
    @dry_run_option
    @json_option
    def import_zonage(file, profession, arrete_date, reference, tvs_communes, dry_run, as_json):
        """Zonage officiel d'une ARS : CSV « code;zone » (commune INSEE, ou TVS avec
        --tvs-communes). Remplace le zonage de cette profession et de cet arrêté."""
        from maillage.cli import setup_django

        setup_django()
        from maillage.web.access.importers import import_zoning

        run_import(
            "Zonage officiel",
            import_zoning,
            file,
            profession,
            arrete_date,
            reference=reference,
            tvs_communes=tvs_communes,
            dry_run=dry_run,
            as_json=as_json,
        )

    @main.group(name="zonage")
    def zonage_group() -> None:
        """Zonage simulé à partir de l'APL (toujours marqué « simulation ») et exports."""

    @zonage_group.command("simuler")
    @click.option("--profession", required=True, help=PROFESSION_HELP)
    @click.option("--annee", type=int, required=True, help="Année de l'APL enregistrée.")
    @click.option("--date", "on", callback=_date, help="Date des règles (défaut : aujourd'hui).")
    @click.option("--departement", default=None, help="Code du département.")
    @click.option("--region", default=None, help="Code de la région.")
    @dry_run_option
    @json_option
    def simulate_command(profession, annee, on, departement, region, dry_run, as_json):
        """SIMULATION du zonage à partir de l'APL enregistrée et des règles datées (ce n'est
        pas le zonage officiel de l'ARS)."""
        from maillage.cli import setup_django

        setup_django()
        from maillage.web.access import services

        try:
            scope = services.Scope.of(departement, region)
            report = services.resimulate(
                services.check_profession(profession),
                annee,
                on or dt.date.today(),
                scope,
                dry_run=dry_run,
            )
        except ValueError as error:
            raise click.ClickException(str(error)) from error
        if as_json:
            click.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
            return
        click.echo("SIMULATION (pas le zonage officiel de l'ARS)")
        for line in report.lines():
            click.echo(line)

    @zonage_group.command("exporter")
    @click.option("--profession", required=True, help=PROFESSION_HELP)
    @click.option(
        "--source",
        type=click.Choice(["officiel", "simulation"]),
        required=True,
        help="officiel : arrêté importé ; simulation : zonage simulé depuis l'APL.",
    )
    @click.option("--departement", default=None, help="Code du département.")
    @click.option("--region", default=None, help="Code de la région.")
    @click.option("--date", "on", callback=_date, help="Arrêté en vigueur à cette date.")
    @click.option("--output", type=click.Path(dir_okay=False, path_type=Path), help="Fichier CSV.")
    def export_command(profession, source, departement, region, on, output):
        """Exporte un zonage en CSV ; la colonne « nature » dit « officiel » ou « simulation »."""
        from maillage.cli import setup_django

        setup_django()
        from maillage.engine.formatting import decimals_for_unit
        from maillage.web.access import services
        from maillage.web.exports import NUMBER, Column, Table, csv_bytes

        try:
            scope = services.Scope.of(departement, region)
            data = services.zoning_map(services.check_profession(profession), scope, on)
        except ValueError as error:
            raise click.ClickException(str(error)) from error

        table = Table(
            "Zonage",
            [
                Column("code"),
                Column("nom"),
                Column("zone"),
                Column("nature"),
                Column("apl", NUMBER, decimals_for_unit("consultations/an/hab.")),
            ],
        )
        for row in data["communes"]:
            zone = row["officiel"] if source == "officiel" else row["simulation"]
            if zone is not None:
                table.add(row["code"], row["nom"], zone, source, row["apl"])
        if output:
            output.write_bytes(csv_bytes(table))
        else:
            sys.stdout.buffer.write(csv_bytes(table))
