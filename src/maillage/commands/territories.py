"""Commands of the territory referential's study zonings: ``maillage import zonage-etude`` and
``maillage zonages``."""

from __future__ import annotations

import json
from pathlib import Path

import click

ZONING_TYPES = ("tvs", "bv2022", "canton_ville", "autre")


def register(main: click.Group, import_group: click.Group) -> None:
    @import_group.command("zonage-etude")
    @click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--type", "kind", type=click.Choice(ZONING_TYPES), required=True)
    @click.option("--millesime", type=int, required=True, help="Millésime du zonage (ex. 2024).")
    @click.option("--libelle", help="Libellé du zonage (défaut : d'après le type).")
    @click.option(
        "--code",
        help="Identifiant court du zonage dans les sélections (défaut : le type ; "
        "obligatoire pour --type autre si plusieurs regroupements coexistent).",
    )
    @click.option("--source", default="", help="Source (producteur, URL, date de téléchargement).")
    @click.option(
        "--dry-run",
        is_flag=True,
        help="Analyse le fichier et affiche les comptes sans rien écrire.",
    )
    @click.option("--json", "as_json", is_flag=True, help="Compte rendu en JSON.")
    def import_zonage_etude(file, kind, millesime, libelle, code, source, dry_run, as_json):
        """Zonage d'étude (TVS, bassins de vie…) : CSV code_insee;code_zone;libelle_zone.

        Remplace l'appartenance des communes pour ce zonage et ce millésime."""
        from maillage.cli import run_import, setup_django

        setup_django()
        from django.utils.text import slugify

        from maillage.web.territories import importers

        if code is not None and not slugify(code):
            raise click.BadParameter("lettres, chiffres, tirets attendus", param_hint="--code")
        run_import(
            "Zonage d'étude",
            importers.import_zoning,
            file,
            type=kind,
            millesime=millesime,
            code=slugify(code) if code else None,
            libelle=libelle,
            source=source,
            dry_run=dry_run,
            as_json=as_json,
        )

    @main.command("zonages")
    @click.option("--departement", help="Seulement les zones ayant une commune de ce département.")
    @click.option("--json", "as_json", is_flag=True, help="Sortie JSON.")
    def zonages(departement, as_json):
        """Zonages d'étude chargés et leurs zones (référence à passer à --zone)."""
        from maillage.cli import setup_django

        setup_django()
        from maillage.web.territories.services import zonings_summary

        rows = zonings_summary(departement)
        if as_json:
            click.echo(json.dumps(rows, ensure_ascii=False, indent=1))
            return
        if not rows:
            click.echo("Aucun zonage d'étude chargé (maillage import zonage-etude).")
        for zoning in rows:
            fictif = " — FICTIF" if zoning["fictif"] else ""
            click.echo(
                f"{zoning['code']}@{zoning['millesime']} : {zoning['libelle']}{fictif} "
                f"({len(zoning['zones'])} zones)"
            )
            for zone in zoning["zones"]:
                click.echo(
                    f"    {zone['reference']:<24} {zone['nom']} "
                    f"({zone['communes']} communes, {zone['population'] or 0} hab.)"
                )
