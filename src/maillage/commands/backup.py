"""``maillage sauvegarde`` and ``maillage restaurer``: the database and the uploaded documents
in one archive with a manifest (docs/exploitation.md)."""

from __future__ import annotations

import json
from pathlib import Path

import click


def _human(size: int) -> str:
    for unit in ("o", "Ko", "Mo", "Go"):
        if size < 1024 or unit == "Go":
            return f"{size:.0f} {unit}" if unit == "o" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size} o"


def register(main: click.Group, import_group: click.Group) -> None:
    @main.command("sauvegarde")
    @click.option(
        "--sortie",
        type=click.Path(path_type=Path),
        default=None,
        help="Fichier ou dossier de l'archive (défaut : DONNÉES/sauvegardes/"
        "maillage-AAAAMMJJ-HHMMSS.tar.gz).",
    )
    @click.option("--json", "as_json", is_flag=True, help="Manifeste en JSON.")
    def sauvegarde(sortie, as_json):
        """Sauvegarde la base (SQLite ou PostgreSQL) et les documents déposés dans une
        archive .tar.gz avec un manifeste (version, migrations, comptes, sommes de contrôle)."""
        from maillage.cli import setup_django

        setup_django()
        from maillage.web.backup.service import BackupError, create_backup

        try:
            path, manifest = create_backup(sortie)
        except BackupError as error:
            raise click.ClickException(str(error)) from error
        if as_json:
            click.echo(json.dumps({"archive": str(path), **manifest}, ensure_ascii=False))
            return
        documents = sum(1 for name in manifest["fichiers"] if name.startswith("medias/"))
        click.echo(f"Sauvegarde écrite : {path} ({_human(path.stat().st_size)})")
        click.echo(f"  maillage {manifest['version']}, base {manifest['moteur_origine']}")
        click.echo(
            f"  {sum(manifest['lignes'].values())} lignes dans {len(manifest['lignes'])} "
            f"tables, {documents} documents"
        )

    @main.command("restaurer")
    @click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--oui", is_flag=True, help="Ne demande pas de confirmation.")
    @click.option("--json", "as_json", is_flag=True, help="Compte rendu en JSON.")
    def restaurer(archive, oui, as_json):
        """Remplace TOUTE la base et les documents par le contenu d'une archive de
        « maillage sauvegarde » (arrêtez le serveur avant)."""
        from maillage.cli import setup_django

        setup_django()
        from maillage.web.backup.service import BackupError, restore_backup

        if not oui:
            click.confirm(
                f"Remplacer toute la base et tous les documents par le contenu de {archive} ?",
                abort=True,
            )
        try:
            report = restore_backup(archive)
        except BackupError as error:
            raise click.ClickException(str(error)) from error
        summary = {
            "archive": str(archive),
            "version": report.manifest["version"],
            "cree_le": report.manifest["cree_le"],
            "lignes": sum(report.counts.values()),
            "documents": report.documents,
            "anciens_documents": str(report.previous_media) if report.previous_media else None,
        }
        if as_json:
            click.echo(json.dumps(summary, ensure_ascii=False))
            return
        click.echo(
            f"Restauration de {archive} (maillage {summary['version']}, "
            f"{summary['cree_le']}) : {summary['lignes']} lignes, {report.documents} documents"
        )
        if report.previous_media:
            click.echo(f"  anciens documents mis de côté dans {report.previous_media}")
