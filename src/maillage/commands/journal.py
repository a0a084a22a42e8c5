"""``maillage journal``: the access log and the change history for administrators (CSV)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

FILTERS = (
    click.option("--utilisateur", default="", help="Identifiant du compte."),
    click.option("--depuis", default="", help="Date de début incluse (AAAA-MM-JJ)."),
    click.option("--jusqu-au", "jusqu_au", default="", help="Date de fin incluse (AAAA-MM-JJ)."),
    click.option("--rpps", default="", help="Identifiant RPPS du professionnel concerné."),
    click.option(
        "--csv",
        "output",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Écrit le CSV dans ce fichier (défaut : à l'écran).",
    ),
)


def _filters(command):
    for option in reversed(FILTERS):
        command = option(command)
    return command


def _run(kind: str, utilisateur, depuis, jusqu_au, rpps, output) -> None:
    from maillage.cli import setup_django

    setup_django()
    from maillage.web import journal

    try:
        journal_filter = journal.JournalFilter.parse(utilisateur, depuis, jusqu_au, rpps)
    except journal.JournalError as error:
        raise click.ClickException(str(error)) from error
    if kind == "acces":
        rows, columns = journal.access_rows(journal_filter), journal.ACCESS_COLUMNS
    else:
        rows, columns = journal.change_rows(journal_filter), journal.CHANGE_COLUMNS
    if output is None:
        count = journal.write_csv(rows, columns, sys.stdout)
    else:
        with output.open("w", encoding="utf-8-sig", newline="") as out:
            count = journal.write_csv(rows, columns, out)
    click.echo(f"{count} lignes", err=True)


def register(main: click.Group, import_group: click.Group) -> None:
    @main.group("journal")
    def group() -> None:
        """Journal des accès aux données personnelles et historique des modifications."""

    @group.command("acces")
    @_filters
    def access(utilisateur, depuis, jusqu_au, rpps, output):
        """Qui a consulté les données de quel professionnel, et quand (CSV)."""
        _run("acces", utilisateur, depuis, jusqu_au, rpps, output)

    @group.command("modifications")
    @_filters
    def changes(utilisateur, depuis, jusqu_au, rpps, output):
        """Qui a modifié quoi, et quand : historique des données et actes tracés (CSV)."""
        _run("modifications", utilisateur, depuis, jusqu_au, rpps, output)

    @group.command("purger")
    @click.option("--dry-run", is_flag=True, help="Compte sans rien supprimer.")
    def purge(dry_run):
        """Supprime les lignes du journal des accès plus anciennes que la durée de
        conservation (MAILLAGE_JOURNAL_ACCES_MOIS, 12 mois par défaut)."""
        from maillage.cli import setup_django

        setup_django()
        from maillage.web.journal import purge_access_log

        counts = purge_access_log(dry_run=dry_run)
        click.echo(
            ("[simulation] " if dry_run else "")
            + f"journal des accès : conservation {counts['mois']} mois ; {counts['lignes']} "
            f"lignes antérieures au {counts['limite']} "
            + ("à supprimer" if dry_run else "supprimées")
        )
