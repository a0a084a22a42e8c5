"""Backup and restore round trip on the test database (SQLite, or PostgreSQL in CI), and the
archives a restore must refuse (issue 11 item 12)."""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from django.core.files.base import ContentFile

from maillage.cli import main
from maillage.web.backup import archive
from maillage.web.backup.service import BackupError, check_compatible, version

pytestmark = pytest.mark.django_db(transaction=True)


def _database_state() -> dict[str, str]:
    """A digest of every row of every table but the data version, a stamp that a restore
    renews on PostgreSQL (it is rewritten by the copy of the reference tables)."""
    from maillage.web.backup.database import stored_models

    return {
        model._meta.label: hashlib.sha256(
            repr(list(model._base_manager.order_by("pk").values_list())).encode()
        ).hexdigest()
        for model in stored_models()
    }


def _files(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


@pytest.fixture
def installation(tmp_path, settings):
    """The demo territory and accounts, two documents; media and data in ``tmp_path``."""
    from maillage.web.demo import create_demo_accounts, load_demo_territory

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DATA_DIR = tmp_path
    load_demo_territory()
    create_demo_accounts()
    for name, content in (("charte.pdf", b"%PDF-1.4 charte"), ("bilan.pdf", b"%PDF-1.4 bilan")):
        path = tmp_path / "media" / "coordination" / "2026" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    return tmp_path


@pytest.fixture
def full_installation(tmp_path, settings):
    """The whole demo (every module), with two documents uploaded to a coordination event."""
    from maillage.web.coordination.models import Document, Event
    from maillage.web.demo import load_demo

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DATA_DIR = tmp_path
    load_demo()
    event = Event.objects.first()
    for name, content in (("charte.pdf", b"%PDF-1.4 charte"), ("bilan.pdf", b"%PDF-1.4 bilan")):
        document = Document(evenement=event, titre=name)
        document.fichier.save(name, ContentFile(content), save=True)
    return tmp_path


def _invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.mark.slow
def test_round_trip_gives_back_every_row_and_every_document(full_installation):
    from maillage.web.accounts.models import User
    from maillage.web.outreach.models import Contact
    from maillage.web.territories.models import Commune

    installation = full_installation
    media = installation / "media"
    rows, files = _database_state(), _files(media)
    assert len(files) == 2 and Contact.objects.exists()
    result = _invoke("sauvegarde", "--sortie", installation / "a.tar.gz", "--json")
    assert result.exit_code == 0, result.output
    manifest = json.loads(result.output)
    assert manifest["version"] == version() and "territories" in manifest["migrations"]
    assert manifest["lignes"]["territories_commune"] == Commune.objects.count()
    assert sum(name.startswith("medias/") for name in manifest["fichiers"]) == 2

    # Everything changes after the backup…
    Contact.objects.filter(pk__in=list(Contact.objects.values_list("pk", flat=True)[:3])).delete()
    Commune.objects.filter(code="00001").update(nom="Renommée")
    User.objects.create_user("intrus", password="x" * 20)
    next(media.rglob("*.pdf")).unlink()
    (media / "en-trop.txt").write_text("après la sauvegarde")
    assert _database_state() != rows

    # …and the restore gives the backup back exactly.
    result = _invoke("restaurer", installation / "a.tar.gz", "--oui", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["documents"] == 2
    assert _database_state() == rows
    assert _files(media) == files
    set_aside = [p for p in installation.iterdir() if p.name.startswith("media-avant-")]
    assert len(set_aside) == 1 and (set_aside[0] / "en-trop.txt").exists()
    # Automatic keys continue after the restored ones.
    User.objects.create_user("après-restauration", password="x" * 20)


def _repack(source: Path, target: Path, change_manifest=None, change_file=None) -> Path:
    """A copy of an archive with its manifest or one of its files changed."""
    with tarfile.open(source, "r:gz") as original, tarfile.open(target, "w:gz") as copy:
        for member in original:
            data = original.extractfile(member).read()
            if member.name == archive.MANIFEST and change_manifest:
                manifest = json.loads(data)
                change_manifest(manifest)
                data = json.dumps(manifest).encode()
            elif change_file and member.name.startswith("base/"):
                data = change_file(data)
            member.size = len(data)
            copy.addfile(member, io.BytesIO(data))
    return target


@pytest.mark.parametrize(
    ("change_manifest", "change_file", "message"),
    [
        (lambda m: m.update(version="99.0.0"), None, "plus récent"),
        (
            lambda m: m["migrations"]["territories"].append("9999_avenir"),
            None,
            "migration(s) inconnue(s)",
        ),
        (lambda m: m.update(format=2), None, "format d'archive inconnu"),
        (None, lambda data: data[:-10] + b"x" * 10, "somme de contrôle"),
        (None, lambda data: data + b"x", "taille"),
    ],
)
def test_incompatible_or_altered_archives_are_refused(
    installation, change_manifest, change_file, message
):
    from maillage.web.accounts.models import User

    good = installation / "a.tar.gz"
    assert _invoke("sauvegarde", "--sortie", good).exit_code == 0
    bad = _repack(good, installation / "b.tar.gz", change_manifest, change_file)

    User.objects.filter(username="agent").delete()  # a state a refused restore must keep
    rows, files = _database_state(), _files(installation / "media")
    result = _invoke("restaurer", bad, "--oui")
    assert result.exit_code == 1 and message in result.output, result.output
    assert "Traceback" not in result.output
    assert _database_state() == rows and _files(installation / "media") == files


def test_a_file_that_is_not_an_archive_is_refused(installation):
    path = installation / "pas-une-archive.tar.gz"
    path.write_bytes(b"code;zone\n00001;ZIP\n")
    result = _invoke("restaurer", path, "--oui")
    assert result.exit_code == 1 and "archive illisible" in result.output, result.output


def test_an_older_archive_is_accepted():
    """Fewer migrations than this version (an older maillage): migrated after extraction."""
    check_compatible({"application": "maillage", "format": 1, "version": "0.0.1", "migrations": {}})
    with pytest.raises(BackupError, match="plus récent"):
        check_compatible({"application": "maillage", "format": 1, "migrations": {}})
