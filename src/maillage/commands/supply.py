"""Commands of the health-care supply: RPPS, activity, FINESS, CPTS and indicator imports."""

from __future__ import annotations

import json

import click


def _importers():
    from maillage.cli import setup_django

    setup_django()
    from maillage.web.supply import importers

    return importers


def register(main: click.Group, import_group: click.Group) -> None:
    # The options and the import runner shared by every `maillage import` command.
    from maillage.cli import dry_run_option, existing_file, json_option
    from maillage.cli import run_import as _run

    @import_group.command("rpps")
    @click.argument("path", type=existing_file)
    @dry_run_option
    @json_option
    def import_rpps(path, dry_run, as_json):
        """Professionnels de santé : PS_LibreAcces (zip) ou fichier Personne_activite."""
        importers = _importers()
        _run("RPPS", importers.import_rpps, path, dry_run=dry_run, as_json=as_json)

    @import_group.command("activite-ps")
    @click.argument("file", type=existing_file)
    @dry_run_option
    @json_option
    def import_activite(file, dry_run, as_json):
        """Année de naissance, actes et ETP des professionnels (CSV tenu par la CPAM :
        identifiant_national;annee_naissance;annee;actes;etp)."""
        importers = _importers()
        _run(
            "Activité des professionnels",
            importers.import_professional_activity,
            file,
            dry_run=dry_run,
            as_json=as_json,
        )

    @import_group.command("finess")
    @click.argument("path", type=existing_file)
    @dry_run_option
    @json_option
    def import_finess(path, dry_run, as_json):
        """Établissements FINESS (ré-exposition, extraction Etalab brute ou t-finess)."""
        importers = _importers()
        _run("FINESS", importers.import_finess, path, dry_run=dry_run, as_json=as_json)

    @import_group.command("cpts")
    @click.argument("file", type=existing_file)
    @click.option(
        "--accepter-chevauchements",
        "accept_overlaps",
        is_flag=True,
        help="Importe même si une commune appartient à plusieurs CPTS (signalé).",
    )
    @dry_run_option
    @json_option
    def import_cpts(file, accept_overlaps, dry_run, as_json):
        """Périmètres de CPTS : CSV cpts_id;nom;code_insee (une ligne par commune)."""
        importers = _importers()
        _run(
            "CPTS",
            importers.import_cpts,
            file,
            dry_run=dry_run,
            accept_overlaps=accept_overlaps,
            as_json=as_json,
        )

    @import_group.command("indicateurs")
    @click.argument("file", type=existing_file)
    @dry_run_option
    @json_option
    def import_indicateurs(file, dry_run, as_json):
        """Indicateurs par commune : CSV indicateur;code_insee;annee;numerateur;denominateur."""
        importers = _importers()
        _run("Indicateurs", importers.import_indicators, file, dry_run=dry_run, as_json=as_json)

    @import_group.command("apl-drees")
    @click.argument("file", type=existing_file)
    @click.option("--indicateur", default="apl_mg", show_default=True, help="Code du registre.")
    @click.option("--colonne", default=None, help="Texte de l'en-tête APL à retenir.")
    @dry_run_option
    @json_option
    def import_apl(file, indicateur, colonne, dry_run, as_json):
        """APL de la DREES (xlsx), stockée pondérée par la population."""
        importers = _importers()
        _run(
            "APL DREES",
            importers.import_apl,
            file,
            dry_run=dry_run,
            indicator=indicateur,
            apl_column=colonne,
            as_json=as_json,
        )

    @import_group.command("ameli")
    @click.argument("file", type=existing_file)
    @dry_run_option
    @json_option
    def import_ameli(file, dry_run, as_json):
        """Démographie des professionnels par département (data.ameli, NS = manquant)."""
        importers = _importers()
        _run("data.ameli", importers.import_ameli, file, dry_run=dry_run, as_json=as_json)

    @main.group("indicateurs")
    def indicateurs():
        """Registre des indicateurs de santé."""

    @indicateurs.command("charger")
    def charger():
        """Charge supply/indicateurs.yaml dans la table des définitions."""
        importers = _importers()
        from maillage.engine.sources.errors import SourceError

        try:
            report = importers.sync_registry()
        except SourceError as error:
            raise click.ClickException(str(error)) from error
        for line in report.lines():
            click.echo(line)

    @main.command("etablissement")
    @click.argument("finess")
    @click.option("--json", "as_json", is_flag=True, help="Sortie JSON.")
    def etablissement(finess, as_json):
        """Fiche d'un établissement FINESS."""
        from maillage.cli import setup_django

        setup_django()
        from maillage.web.supply.models import Establishment

        found = Establishment.objects.filter(finess=finess).first()
        if found is None:
            raise click.ClickException(f"établissement {finess} absent du référentiel")
        card = {
            "finess": found.finess,
            "nom": found.nom,
            "categorie": found.categorie,
            "categorie_libelle": found.categorie_libelle,
            "code_insee": found.code_insee,
            "lon": found.lon,
            "lat": found.lat,
            "geocodage_commune": found.geocodage_commune,
        }
        if as_json:
            click.echo(json.dumps(card, ensure_ascii=False))
            return
        for key, value in card.items():
            click.echo(f"{key:>17} : {value}")
