"""The archive container: a gzip-compressed tar with ``manifest.json`` first, then files whose
size and SHA-256 the manifest lists. Reading checks every member against the manifest and
writes only where it is told (no path from the archive is trusted)."""

from __future__ import annotations

import hashlib
import io
import json
import os
import tarfile
import time
import zlib
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

MANIFEST = "manifest.json"
MANIFEST_LIMIT = 64 << 20


class ArchiveError(Exception):
    """An archive that cannot be read or does not match its manifest (French message)."""


def sha256_of(path: Path) -> tuple[str, int]:
    """SHA-256 (hex) and size of a file, read in blocks."""
    digest, size = hashlib.sha256(), 0
    with open(path, "rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
            size += len(block)
    return digest.hexdigest(), size


def write_archive(path: Path, manifest: dict, files: Iterable[tuple[str, Path]]) -> dict:
    """Write ``manifest`` then ``files`` (name in the archive, file on disk) to ``path``.

    The size and SHA-256 of every file go into ``manifest["fichiers"]``. The archive is
    written beside ``path`` and renamed at the end: an interrupted backup never leaves a
    truncated archive under the final name. Returns the manifest written.
    """
    files = list(files)
    listing = {}
    for name, source in files:
        digest, size = sha256_of(source)
        listing[name] = {"sha256": digest, "octets": size}
    manifest = {**manifest, "fichiers": listing}
    partial = path.with_name(path.name + ".partiel")
    data = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
    with tarfile.open(partial, "w:gz", compresslevel=6) as archive:
        archive.addfile(_info(MANIFEST, len(data)), io.BytesIO(data))
        for name, source in files:
            with open(source, "rb") as handle:
                archive.addfile(_info(name, listing[name]["octets"]), handle)
    os.replace(partial, path)
    return manifest


def _info(name: str, size: int) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = size, 0o600, int(time.time())
    return info


def read_manifest(path: Path) -> dict:
    """The manifest of an archive, without extracting anything else."""
    with _open(path) as archive:
        return _manifest(archive)


def extract_archive(path: Path, destination: Path) -> dict:
    """Check and extract the files of the archive into ``destination``; return the manifest.

    Every file the manifest lists (``fichiers``: name → SHA-256 and size) must be there, and
    nothing else: a missing, unexpected, resized or altered file, a link or a path leaving
    the destination raises :class:`ArchiveError` before anything is used.
    """
    seen: set[str] = set()
    try:
        with _open(path) as archive:
            manifest = _manifest(archive)
            expected = _expected(manifest)
            for member in _members(archive):
                _extract(archive, member, expected, destination)
                seen.add(member.name)
    except (OSError, tarfile.TarError, EOFError, zlib.error) as error:
        raise ArchiveError(f"archive illisible ou tronquée ({error})") from error
    missing = sorted(set(expected) - seen)
    if missing:
        raise ArchiveError(f"archive incomplète : {', '.join(missing[:5])} manquant(s)")
    return manifest


def _expected(manifest: dict) -> dict[str, tuple[str, int]]:
    listing = manifest.get("fichiers")
    try:
        return {str(n): (str(f["sha256"]), int(f["octets"])) for n, f in listing.items()}
    except (AttributeError, KeyError, TypeError, ValueError) as error:
        raise ArchiveError("manifest.json : liste des fichiers illisible") from error


def _extract(
    archive: tarfile.TarFile,
    member: tarfile.TarInfo,
    expected: dict[str, tuple[str, int]],
    destination: Path,
) -> None:
    name = member.name
    if name not in expected:
        raise ArchiveError(f"élément inattendu dans l'archive : {name}")
    if not member.isfile() or _unsafe(name):
        raise ArchiveError(f"élément refusé dans l'archive (lien ou chemin) : {name}")
    digest, size = expected[name]
    if member.size != size:
        raise ArchiveError(f"taille de {name} différente de celle du manifeste")
    target = destination / name
    target.parent.mkdir(parents=True, exist_ok=True)
    hasher = hashlib.sha256()
    source = archive.extractfile(member)
    with open(target, "wb") as handle:
        while block := source.read(1 << 20):
            hasher.update(block)
            handle.write(block)
    if hasher.hexdigest() != digest:
        raise ArchiveError(f"archive altérée : somme de contrôle de {name} incorrecte")


def _open(path: Path) -> tarfile.TarFile:
    try:
        return tarfile.open(path, "r:gz")
    except (OSError, tarfile.TarError) as error:
        raise ArchiveError(f"{path} : archive illisible ({error})") from error


def _manifest(archive: tarfile.TarFile) -> dict:
    """The first member, which must be the manifest."""
    try:
        member = archive.next()
        if member is None or member.name != MANIFEST or not member.isfile():
            raise ArchiveError("ce n'est pas une sauvegarde de maillage : manifest.json absent")
        if member.size > MANIFEST_LIMIT:
            raise ArchiveError("manifest.json anormalement gros")
        manifest = json.loads(archive.extractfile(member).read())
    except (OSError, tarfile.TarError, EOFError) as error:
        raise ArchiveError(f"archive illisible ({error})") from error
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ArchiveError("manifest.json illisible") from error
    if not isinstance(manifest, dict):
        raise ArchiveError("manifest.json illisible")
    return manifest


def _members(archive: tarfile.TarFile):
    """Members after the manifest (iterating a tar file starts again from the first)."""
    seen = {MANIFEST}
    for position, member in enumerate(archive):
        if position == 0:
            continue
        if member.name in seen:
            raise ArchiveError(f"élément en double dans l'archive : {member.name}")
        seen.add(member.name)
        yield member


def _unsafe(name: str) -> bool:
    parts = PurePosixPath(name).parts
    return name.startswith("/") or ".." in parts or "\\" in name
