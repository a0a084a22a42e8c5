"""The archive container refuses what it did not write: traversal, links, extra, altered."""

import io
import json
import tarfile

import pytest

from maillage.web.backup.archive import (
    MANIFEST,
    ArchiveError,
    extract_archive,
    read_manifest,
    write_archive,
)


def _archive(path, members, listing):
    with tarfile.open(path, "w:gz") as archive:
        data = json.dumps({"fichiers": listing}).encode()
        info = tarfile.TarInfo(MANIFEST)
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
        for member, content in members:
            if content is not None:
                member.size = len(content)
            archive.addfile(member, io.BytesIO(content or b""))
    return path


def test_written_archives_are_read_back(tmp_path):
    source = tmp_path / "f.txt"
    source.write_bytes(b"contenu")
    manifest = write_archive(tmp_path / "a.tar.gz", {"format": 1}, [("medias/f.txt", source)])
    assert read_manifest(tmp_path / "a.tar.gz") == manifest
    extracted = extract_archive(tmp_path / "a.tar.gz", tmp_path / "out")
    assert extracted["fichiers"]["medias/f.txt"]["octets"] == 7
    assert (tmp_path / "out" / "medias" / "f.txt").read_bytes() == b"contenu"
    assert not list(tmp_path.glob("*.partiel"))


@pytest.mark.parametrize(
    ("name", "kind", "message"),
    [
        ("../evasion.txt", tarfile.REGTYPE, "refusé"),
        ("/etc/evasion.txt", tarfile.REGTYPE, "refusé"),
        ("medias/lien", tarfile.SYMTYPE, "refusé"),
        ("medias/autre.txt", tarfile.REGTYPE, "inattendu"),
    ],
)
def test_hostile_members_are_refused(tmp_path, name, kind, message):
    member = tarfile.TarInfo(name)
    member.type = kind
    listing = {name: {"sha256": "0" * 64, "octets": 1}} if message != "inattendu" else {}
    if kind == tarfile.SYMTYPE:
        member.linkname = "/etc/passwd"
    content = None if kind == tarfile.SYMTYPE else b"x"
    path = _archive(tmp_path / "a.tar.gz", [(member, content)], listing)
    with pytest.raises(ArchiveError, match=message):
        extract_archive(path, tmp_path / "out")
    assert not (tmp_path / "evasion.txt").exists()


def test_missing_and_truncated_archives(tmp_path):
    listing = {"medias/absent.txt": {"sha256": "0" * 64, "octets": 1}}
    path = _archive(tmp_path / "a.tar.gz", [], listing)
    with pytest.raises(ArchiveError, match="incomplète"):
        extract_archive(path, tmp_path / "out")
    source = tmp_path / "gros.bin"
    source.write_bytes(bytes(range(256)) * 4000)
    write_archive(tmp_path / "b.tar.gz", {}, [("medias/gros.bin", source)])
    truncated = tmp_path / "c.tar.gz"
    truncated.write_bytes((tmp_path / "b.tar.gz").read_bytes()[:-2000])
    with pytest.raises(ArchiveError, match="illisible ou tronquée"):
        extract_archive(truncated, tmp_path / "out2")
    (tmp_path / "d.tar.gz").write_bytes(b"pas une archive")
    with pytest.raises(ArchiveError, match="illisible"):
        read_manifest(tmp_path / "d.tar.gz")
