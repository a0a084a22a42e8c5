"""The diagnosis snapshot of the current data version: from memory, else from its file in
``MAILLAGE_SNAPSHOT_DIR`` (next to the database), else built from the database and written
there for every other process (web workers, CLI calls).

The key of a snapshot is the data version (:mod:`maillage.web.dataversion`: bumped in the same
transaction as any change of the reference data) and a fingerprint of what else shapes the
arrays: the secrecy policy (record keys derive from ``SECRET_KEY``) and the code that builds
them. Checking it costs one primary-key lookup per diagnosis.

Several processes may build at once: a file lock makes the others wait and load the file of
the first; without the lock (no ``fcntl``) they build in parallel, and the atomic rename of
:mod:`maillage.engine.indicators.snapshot_store` keeps every reader on a whole file.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import inspect
import logging
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
from django.conf import settings

from maillage.engine.indicators import Snapshot, snapshot_store
from maillage.web.dataversion import tracking

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX
    fcntl = None

logger = logging.getLogger(__name__)

PREFIX = "diagnostic-"
SUFFIX = ".npz"
_STALE_TEMPORARY_SECONDS = 3600

_LOCK = threading.Lock()
_memory: dict[str, tuple[str, Snapshot]] = {}


@dataclasses.dataclass
class Statistics:
    """Where the last snapshot came from: ``mémoire``, ``fichier`` or ``base`` (built)."""

    source: str | None = None
    built: int = 0
    loaded: int = 0
    seconds: float = 0.0


stats = Statistics()


def directory() -> Path | None:
    value = settings.MAILLAGE_SNAPSHOT_DIR
    return Path(value) if value else None


def invalidate() -> None:
    """Forget the snapshot of this process (the file stays valid for its version)."""
    with _LOCK:
        _memory.clear()


def current(build: Callable[[str], Snapshot], context: object) -> Snapshot:
    """The snapshot of the current data version; ``build(version)`` reads the database.

    ``context``: everything besides the data and the code that shapes the arrays (the secrecy
    policy, a reference date…), compared through its ``repr``: a new context never reuses a
    snapshot, in memory or on disk."""
    version = tracking.current()
    key = f"{version}-{fingerprint(build, context)}"
    cached = _memory.get("entry")  # (key, snapshot): one read, never a mismatched pair
    if cached is not None and cached[0] == key:
        stats.source = "mémoire"
        return cached[1]
    with _LOCK:
        cached = _memory.get("entry")
        if cached is None or cached[0] != key:
            cached = _memory["entry"] = (key, _load_or_build(build, version, key))
        else:
            stats.source = "mémoire"
    return cached[1]


def _load_or_build(build: Callable[[str], Snapshot], version: str, key: str) -> Snapshot:
    folder = directory()
    if folder is None:
        return _build(build, version)
    path = folder / f"{PREFIX}{key}{SUFFIX}"
    found = _load(path, key)
    if found is not None:
        return found
    with _file_lock(folder):
        found = _load(path, key)  # written by another process while this one waited
        if found is not None:
            return found
        snap = _build(build, version)
        try:
            snapshot_store.save(snap, path, key)
        except OSError as error:
            logger.warning("instantané du diagnostic non enregistré dans %s : %s", folder, error)
            return snap
        if tracking.current() == version:
            _remove_others(folder, keep=path.name)
        else:  # the data changed during the build: this file will never be read
            with contextlib.suppress(OSError):
                path.unlink()
    return snap


def _build(build: Callable[[str], Snapshot], version: str) -> Snapshot:
    started = time.perf_counter()
    snap = freeze(build(version))
    stats.seconds = time.perf_counter() - started
    stats.source, stats.built = "base", stats.built + 1
    logger.debug("instantané du diagnostic construit en %.1f s (%s)", stats.seconds, version)
    return snap


def _load(path: Path, key: str) -> Snapshot | None:
    started = time.perf_counter()
    try:
        snap = snapshot_store.load(path, key)
    except FileNotFoundError:
        return None
    except snapshot_store.SnapshotFileError as error:
        logger.warning("instantané du diagnostic ignoré (%s) : %s", path.name, error)
        return None
    except OSError as error:
        logger.warning("instantané du diagnostic illisible (%s) : %s", path.name, error)
        return None
    if not isinstance(snap, Snapshot):
        logger.warning("instantané du diagnostic ignoré (%s) : contenu inattendu", path.name)
        return None
    stats.seconds = time.perf_counter() - started
    stats.source, stats.loaded = "fichier", stats.loaded + 1
    return snap


@contextlib.contextmanager
def _file_lock(folder: Path) -> Iterator[None]:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle = open(folder / ".verrou", "a+b")  # noqa: SIM115 - held across the build
    except OSError:
        yield  # read-only directory: build without sharing
        return
    with handle:
        if fcntl is not None:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            if fcntl is not None:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _remove_others(folder: Path, keep: str) -> None:
    """Older versions are never read again; a process still mapping one keeps its pages."""
    now = time.time()
    for path in folder.iterdir():
        name = path.name
        old_snapshot = name.startswith(PREFIX) and name.endswith(SUFFIX) and name != keep
        old_temporary = name.startswith(f".{PREFIX}") and name.endswith(".tmp")
        with contextlib.suppress(OSError):
            if old_snapshot or (
                old_temporary and now - path.stat().st_mtime > _STALE_TEMPORARY_SECONDS
            ):
                path.unlink()


def freeze(value):
    """Make every array of a snapshot read-only, as the arrays of a loaded file are: a code
    path that writes into the shared arrays fails the same way whatever their origin."""
    if isinstance(value, np.ndarray):
        value.flags.writeable = False
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            if f.metadata.get("persist", True) is not False:
                freeze(getattr(value, f.name))
    elif isinstance(value, list | tuple):
        for item in value:
            freeze(item)
    return value


def fingerprint(build: Callable[[str], Snapshot], context: object) -> str:
    """What shapes the arrays besides the data: the context (secrecy policy…) and the code."""
    return hashlib.sha256(repr(context).encode()).hexdigest()[:8] + _code_fingerprint(build)


@functools.cache
def _code_fingerprint(build: Callable[[str], Snapshot]) -> str:
    """Digest of the builder's module, of the engine's indicator modules and of the tables the
    builder reads (professions, FINESS categories): editing one rebuilds the stored files."""
    from maillage.engine import indicators, sources

    paths = [Path(inspect.getsourcefile(build) or "")]
    paths += sorted(Path(indicators.__file__).parent.glob("*.py"))
    folder = Path(sources.__file__).parent
    paths += [folder / n for n in ("professions.py", "professions.yaml", "finess.py")]
    paths += [folder / "finess_categories.yaml"]
    digest = hashlib.sha256(snapshot_store.FORMAT.encode())
    for path in paths:
        digest.update(path.name.encode())
        with contextlib.suppress(OSError):
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]
