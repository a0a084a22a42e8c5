"""`maillage diagnostic`: the diagnosis of a territory as JSON, CSV, XLSX or PDF."""

from __future__ import annotations

import sys
from pathlib import Path

import click


def register(main: click.Group, import_group: click.Group) -> None:
    @main.command("diagnostic")
    @click.option("--communes", help="codes INSEE séparés par des virgules")
    @click.option("--epci", help="SIREN de l'EPCI")
    @click.option("--cpts", help="identifiant (ou n° interne) de la CPTS")
    @click.option(
        "--zone",
        help="zone d'un zonage d'étude, TYPE:CODE (ex. tvs:T01 ; tvs@2024:T01 pour un "
        "millésime donné ; liste : maillage zonages)",
    )
    @click.option(
        "--format",
        "fmt",
        type=click.Choice(["json", "csv", "xlsx", "pdf"]),
        default="json",
        show_default=True,
    )
    @click.option(
        "--output",
        type=click.Path(dir_okay=False, path_type=Path),
        help="fichier de sortie (par défaut : sortie standard pour json et csv)",
    )
    def diagnostic(communes, epci, cpts, zone, fmt, output):
        """Diagnostic territorial (secret statistique appliqué) d'un ensemble de communes."""
        if sum(bool(x) for x in (communes, epci, cpts, zone)) != 1:
            raise click.UsageError(
                "indiquez exactement une option parmi --communes, --epci, --cpts, --zone"
            )
        from maillage.cli import setup_django

        setup_django()
        from maillage.web import exports
        from maillage.web.diagnostics import exports as diagnosis_exports
        from maillage.web.diagnostics import services, views

        try:
            codes, label = services.resolve(
                communes=[c for c in (communes or "").split(",") if c.strip()] or None,
                epci=epci,
                cpts=cpts,
                zone=zone,
            )
            result = services.diagnose(codes, label=label)
        except services.TerritoryError as error:
            raise click.ClickException(str(error)) from error
        if fmt == "json":
            data = exports.json_bytes(result)
        elif fmt == "csv":
            data = diagnosis_exports.to_csv(result)
        elif fmt == "xlsx":
            data = diagnosis_exports.to_xlsx(result)
        else:
            data = views.render_pdf(codes, label, result)
        if output:
            output.write_bytes(data)
            click.echo(f"{output} : diagnostic de {len(codes)} communes ({fmt})", err=True)
        elif fmt in ("xlsx", "pdf"):
            raise click.UsageError(f"--output est obligatoire pour le format {fmt}")
        else:
            sys.stdout.buffer.write(data)
