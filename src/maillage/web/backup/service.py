"""Backup and restore of the database and the uploaded documents, with a manifest.

``manifest.json`` holds the archive format, the version of maillage that wrote it, the
database engine, the migrations applied, the row count of every table and the size and
SHA-256 of every file. A restore refuses an archive of another format, of a newer version of
maillage or with migrations this version does not know, and an archive that does not match
its checksums — all before touching anything. An older archive is migrated to this version.
"""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connection

from . import archive, database
from .archive import ArchiveError
from .database import DatabaseError

FORMAT = 1
DATABASE_MEMBER = "base/maillage.sqlite3"
MEDIA_PREFIX = "medias/"


class BackupError(Exception):
    """A backup or restore refused or failed (French message, nothing was changed)."""


def version() -> str:
    return importlib.metadata.version("maillage")


def _version_key(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", text)[:3])


def media_root() -> Path:
    return Path(settings.MEDIA_ROOT)


def _media_files() -> list[tuple[str, Path]]:
    root = media_root()
    if not root.is_dir():
        return []
    return sorted(
        (MEDIA_PREFIX + path.relative_to(root).as_posix(), path)
        for path in root.rglob("*")
        if path.is_file() and not path.is_symlink()
    )


def default_destination() -> Path:
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    return Path(settings.DATA_DIR) / "sauvegardes" / f"maillage-{stamp}.tar.gz"


# --------------------------------------------------------------------------- backup


def create_backup(destination: Path | None = None) -> tuple[Path, dict]:
    """Write an archive of the database and the documents; return its path and manifest."""
    destination = Path(destination) if destination else default_destination()
    if destination.is_dir():
        destination = destination / default_destination().name
    destination.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="maillage-sauvegarde-") as work:
        snapshot = Path(work) / "maillage.sqlite3"
        try:
            database.dump_database(snapshot)
        except DatabaseError as error:
            raise BackupError(str(error)) from error
        with database.sqlite_alias(snapshot) as alias:
            counts = database.row_counts(alias)
            migrations = database.applied_migrations(alias)
        manifest = {
            "format": FORMAT,
            "application": "maillage",
            "version": version(),
            "cree_le": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "moteur_origine": connection.vendor,
            "migrations": migrations,
            "lignes": counts,
        }
        files = [(DATABASE_MEMBER, snapshot), *_media_files()]
        manifest = archive.write_archive(destination, manifest, files)
    return destination, manifest


# --------------------------------------------------------------------------- restore


@dataclass
class RestoreReport:
    manifest: dict
    counts: dict[str, int]
    documents: int
    previous_media: Path | None = None
    warnings: list[str] = field(default_factory=list)


def check_compatible(manifest: dict) -> None:
    """Refuse an archive this version cannot restore (French message)."""
    if manifest.get("application") != "maillage" or manifest.get("format") != FORMAT:
        raise BackupError(
            f"format d'archive inconnu ({manifest.get('format')!r}) : ce n'est pas une "
            f"sauvegarde de maillage au format {FORMAT}"
        )
    written_by = str(manifest.get("version", ""))
    if not written_by or _version_key(written_by) > _version_key(version()):
        raise BackupError(
            f"sauvegarde faite par maillage {written_by or '(version inconnue)'}, plus récent "
            f"que la version installée ({version()}) : installez au moins la version "
            f"{written_by} pour la restaurer"
        )
    known = database.known_migrations()
    unknown = sorted(
        f"{app}.{name}"
        for app, names in (manifest.get("migrations") or {}).items()
        for name in names
        if (app, name) not in known
    )
    if unknown:
        raise BackupError(
            f"sauvegarde incompatible : {len(unknown)} migration(s) inconnue(s) de cette version "
            f"de maillage ({', '.join(unknown[:3])}) ; installez la version qui l'a faite "
            f"({written_by})"
        )


def restore_backup(path: Path) -> RestoreReport:
    """Replace the database and the documents by the content of the archive ``path``."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path} : archive introuvable")
    try:
        check_compatible(archive.read_manifest(path))
    except ArchiveError as error:
        raise BackupError(f"{path} : {error}") from error
    root = media_root()
    root.parent.mkdir(parents=True, exist_ok=True)
    # Extracted next to the documents so that putting them in place is a rename.
    with tempfile.TemporaryDirectory(prefix=".maillage-restauration-", dir=root.parent) as work:
        work = Path(work)
        try:
            manifest = archive.extract_archive(path, work)
        except ArchiveError as error:
            raise BackupError(f"{path} : {error}") from error
        check_compatible(manifest)
        if DATABASE_MEMBER not in manifest["fichiers"]:
            raise BackupError(f"{path} : archive sans base de données")
        try:
            counts = database.restore_database(work / DATABASE_MEMBER)
        except DatabaseError as error:
            raise BackupError(str(error)) from error
        documents = work / MEDIA_PREFIX.rstrip("/")
        documents.mkdir(exist_ok=True)
        previous = None
        if root.exists():
            stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
            previous = root.with_name(f"{root.name}-avant-restauration-{stamp}")
            os.replace(root, previous)
        os.replace(documents, root)
    report = RestoreReport(
        manifest,
        counts,
        sum(1 for name in manifest["fichiers"] if name.startswith(MEDIA_PREFIX)),
        previous,
    )
    if previous is not None and not any(previous.iterdir()):
        shutil.rmtree(previous)
        report.previous_media = None
    return report
