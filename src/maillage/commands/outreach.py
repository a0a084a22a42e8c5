"""Commands of the support to health professionals: contact import, retention purge and
detection of new installations between two RPPS imports."""

from __future__ import annotations

from pathlib import Path

import click


def register(main: click.Group, import_group: click.Group) -> None:
    @import_group.command("contacts")
    @click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--dry-run", is_flag=True, help="Vérifie le fichier sans rien écrire.")
    @click.option("--json", "as_json", is_flag=True, help="Compte rendu en JSON.")
    def import_contacts(file, dry_run, as_json):
        """Contacts avec les professionnels saisis ailleurs (CSV ; voir docs/accompagnement.md)."""
        from maillage.cli import run_import

        def run(path, progress=None):
            from maillage.web.outreach.importers import import_contacts as do_import

            return do_import(path, dry_run=dry_run, progress=progress)

        run_import("contacts", run, file, as_json=as_json)

    @main.group("outreach")
    def outreach() -> None:
        """Accompagnement des professionnels : conservation des données, installations."""

    @outreach.command("purger")
    @click.option(
        "--dry-run", is_flag=True, help="Compte les contacts à supprimer sans rien supprimer."
    )
    def purge(dry_run):
        """Supprime les contacts plus anciens que la durée de conservation
        (MAILLAGE_CONTACTS_RETENTION_YEARS, 3 ans par défaut)."""
        from maillage.cli import setup_django

        setup_django()
        from maillage.web.outreach.privacy import purge_expired, retention_years

        counts = purge_expired(dry_run=dry_run)
        prefix = "[simulation] " if dry_run else ""
        click.echo(
            f"{prefix}conservation : {retention_years()} ans ; contacts antérieurs au "
            f"{counts['limite']} : {counts['contacts']} contacts, {counts['suites']} suites "
            + ("à supprimer" if dry_run else "supprimés")
            + ("" if dry_run else f", {counts['historique']} versions d'historique effacées")
        )

    @outreach.command("installations")
    @click.option("--departement", help="Limite la détection à ce département.")
    def installations(departement):
        """Détecte les nouvelles installations entre deux imports RPPS successifs."""
        from maillage.cli import setup_django

        setup_django()
        from maillage.web.outreach.services import detect_installations

        click.echo(f"{detect_installations(departement)} nouvelles installations enregistrées")
