"""Snapshot files: a dataclass tree of numpy arrays and plain values in one uncompressed
``.npz`` (the standard numpy format: ``numpy.load`` reads it), written atomically and loaded
with its numeric arrays memory-mapped.

Nothing here knows what the snapshot holds: every field of the dataclass is stored (except
those declared with ``metadata={"persist": False}``), so that a new array in the snapshot
builder needs no change here. What a field may hold: numpy arrays (numeric, boolean, or
objects that are all ``str`` or ``None``), numpy scalars, ``None``, ``bool``, ``int``,
``float``, ``str``, dates, lists, tuples, sets, dicts and nested dataclasses of the
``maillage.engine`` package; anything else is a :class:`TypeError` naming the field.

Layout: ``snapshot.json`` (format, key, the tree with arrays replaced by references) and one
``aN.npy`` member per array, each starting on a 64-byte boundary (padding in the zip extra
field, as Android's zipalign does) so that a member can be mapped in place: loading a
national snapshot is a few milliseconds whatever its size, and the pages are shared by every
process that maps the same file. The arrays of a loaded snapshot are read-only.

Writes go to a temporary file of the same directory renamed over the target
(``os.replace``): a reader sees the old file or the new one, never a partial one, whatever the
number of writers. A file that is missing, truncated, of another format or of another key is
refused with :class:`SnapshotFileError` and the caller rebuilds.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import importlib
import io
import json
import mmap
import os
import struct
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

FORMAT = "maillage-instantane-1"
META = "snapshot.json"
ALIGN = 64
_PAD_HEADER_ID = 0xD935  # zip extra field used for alignment padding (zipalign's id)
_SEPARATOR = "\x00"
ENGINE_PACKAGES = ("maillage.engine.",)
_HEADER_READERS = {
    (1, 0): np.lib.format.read_array_header_1_0,
    (2, 0): np.lib.format.read_array_header_2_0,
}


class SnapshotFileError(Exception):
    """A snapshot file that cannot be used (the message says why, in French)."""


# ------------------------------------------------------------------------------------- encode


class _Encoder:
    def __init__(self) -> None:
        self.arrays: list[np.ndarray] = []

    def array(self, value: np.ndarray) -> int:
        self.arrays.append(np.ascontiguousarray(value))
        return len(self.arrays) - 1

    def encode(self, value: Any, path: str) -> Any:
        if value is None or isinstance(value, bool | int | str):
            return value
        if isinstance(value, float):
            return {"__float__": repr(value)}  # NaN and infinities round-trip exactly
        if isinstance(value, np.ndarray):
            return self._ndarray(value, path)
        if isinstance(value, np.generic):
            if value.dtype.hasobject:
                raise TypeError(f"{path} : scalaire numpy objet non pris en charge")
            return {"__scalar__": self.array(np.asarray(value))}
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            return self._dataclass(value, path)
        if isinstance(value, list):
            return [self.encode(v, f"{path}[{i}]") for i, v in enumerate(value)]
        if isinstance(value, tuple):
            return {"__tuple__": [self.encode(v, f"{path}[{i}]") for i, v in enumerate(value)]}
        if isinstance(value, set | frozenset):
            kind = "__frozenset__" if isinstance(value, frozenset) else "__set__"
            return {kind: [self.encode(v, f"{path}{{}}") for v in value]}
        if isinstance(value, dict):
            return {
                "__dict__": [
                    [self.encode(k, f"{path}.clé"), self.encode(v, f"{path}[{k!r}]")]
                    for k, v in value.items()
                ]
            }
        if isinstance(value, dt.datetime):
            return {"__datetime__": value.isoformat()}
        if isinstance(value, dt.date):
            return {"__date__": value.isoformat()}
        raise TypeError(f"{path} : type non pris en charge ({type(value).__name__})")

    def _ndarray(self, value: np.ndarray, path: str) -> dict:
        if not value.dtype.hasobject:
            if value.dtype.names is not None:
                raise TypeError(f"{path} : tableau structuré non pris en charge")
            return {"__array__": self.array(value)}
        flat = value.ravel()
        missing = np.fromiter((v is None for v in flat), dtype=bool, count=flat.size)
        texts = ["" if v is None else v for v in flat]
        if not all(type(t) is str for t in texts):
            raise TypeError(f"{path} : tableau d'objets autres que str ou None")
        joined = _SEPARATOR.join(texts)
        if joined.count(_SEPARATOR) != max(len(texts) - 1, 0):
            raise TypeError(f"{path} : chaîne contenant le caractère nul")
        # surrogatepass: any Python str round-trips, even a lone surrogate
        data = np.frombuffer(joined.encode("utf-8", "surrogatepass"), dtype=np.uint8)
        return {
            "__strings__": self.array(data),
            "missing": self.array(missing) if missing.any() else None,
            "shape": list(value.shape),
        }

    def _dataclass(self, value: Any, path: str) -> dict:
        cls = type(value)
        fields = {}
        for f in dataclasses.fields(value):
            if not f.init or f.metadata.get("persist", True) is False:
                continue
            fields[f.name] = self.encode(getattr(value, f.name), f"{path}.{f.name}")
        return {"__dataclass__": f"{cls.__module__}:{cls.__qualname__}", "fields": fields}


# ------------------------------------------------------------------------------------- decode


class _Decoder:
    def __init__(self, arrays: list[np.ndarray], packages: tuple[str, ...]) -> None:
        self.arrays = arrays
        self.packages = packages

    def decode(self, value: Any) -> Any:
        if isinstance(value, list):
            return [self.decode(v) for v in value]
        if not isinstance(value, dict):
            return value
        if "__float__" in value:
            return float(value["__float__"])
        if "__array__" in value:
            return self.arrays[value["__array__"]]
        if "__strings__" in value:
            return self._strings(value)
        if "__scalar__" in value:
            return self.arrays[value["__scalar__"]][()]
        if "__dataclass__" in value:
            cls = _dataclass_type(value["__dataclass__"], self.packages)
            return cls(**{k: self.decode(v) for k, v in value["fields"].items()})
        if "__tuple__" in value:
            return tuple(self.decode(v) for v in value["__tuple__"])
        if "__set__" in value:
            return {self.decode(v) for v in value["__set__"]}
        if "__frozenset__" in value:
            return frozenset(self.decode(v) for v in value["__frozenset__"])
        if "__dict__" in value:
            return {self.decode(k): self.decode(v) for k, v in value["__dict__"]}
        if "__datetime__" in value:
            return dt.datetime.fromisoformat(value["__datetime__"])
        if "__date__" in value:
            return dt.date.fromisoformat(value["__date__"])
        raise SnapshotFileError(f"élément inconnu : {sorted(value)[:3]}")

    def _strings(self, value: dict) -> np.ndarray:
        shape = tuple(value["shape"])
        size = int(np.prod(shape, dtype=np.int64))
        out = np.empty(size, dtype=object)
        if size:
            data = self.arrays[value["__strings__"]].tobytes()
            parts = data.decode("utf-8", "surrogatepass").split(_SEPARATOR)
            if len(parts) != size:
                raise SnapshotFileError("chaînes incohérentes")
            out[:] = parts
            if value["missing"] is not None:
                out[self.arrays[value["missing"]]] = None
        return out.reshape(shape)


def _dataclass_type(name: str, packages: tuple[str, ...]) -> type:
    module_name, _, qualname = name.partition(":")
    if not module_name.startswith(packages):
        raise SnapshotFileError(f"type hors du moteur : {name}")
    try:
        target: Any = importlib.import_module(module_name)
        for part in qualname.split("."):
            target = getattr(target, part)
    except (ImportError, AttributeError) as error:
        raise SnapshotFileError(f"type introuvable : {name}") from error
    if not dataclasses.is_dataclass(target):
        raise SnapshotFileError(f"pas une dataclass : {name}")
    return target


# --------------------------------------------------------------------------------- save / load


def save(snapshot: Any, path: Path, key: str) -> None:
    """Write ``snapshot`` (a dataclass) to ``path`` atomically. Raises :class:`TypeError` for a
    value that cannot be stored, ``OSError`` when the directory cannot be written."""
    path = Path(path)
    encoder = _Encoder()
    tree = encoder.encode(snapshot, type(snapshot).__name__)
    meta = json.dumps({"format": FORMAT, "key": key, "tree": tree})  # ASCII: any str fits
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as raw:
            with zipfile.ZipFile(raw, "w", zipfile.ZIP_STORED, allowZip64=True) as archive:
                archive.writestr(META, meta.encode("ascii"))
                for index, array in enumerate(encoder.arrays):
                    _write_aligned(archive, raw, f"a{index}.npy", array)
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _write_aligned(archive: zipfile.ZipFile, raw, name: str, array: np.ndarray) -> None:
    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, array, allow_pickle=False)
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_STORED
    info.file_size = buffer.tell()
    info.CRC = info.compress_size = 0  # the header's length does not depend on them
    start = raw.tell()
    base = len(info.FileHeader(True))
    pad = (-(start + base + 4)) % ALIGN
    info.extra = struct.pack("<HH", _PAD_HEADER_ID, pad) + b"\0" * pad
    with archive.open(info, "w", force_zip64=True) as member:
        member.write(buffer.getbuffer())


def load(path: Path, key: str, packages: tuple[str, ...] = ENGINE_PACKAGES) -> Any:
    """The snapshot stored at ``path`` for ``key``. Raises ``FileNotFoundError`` when there is
    no file, :class:`SnapshotFileError` when it is unusable (corrupt, other format or key).
    Only dataclasses of ``packages`` are rebuilt (a file never names code to import)."""
    path = Path(path)
    with open(path, "rb") as raw:
        size = os.fstat(raw.fileno()).st_size
        try:
            archive = zipfile.ZipFile(raw)
            meta = json.loads(archive.read(META).decode("utf-8"))
        except (zipfile.BadZipFile, KeyError, ValueError, OSError, EOFError) as error:
            raise SnapshotFileError(f"fichier illisible ({error})") from error
        if not isinstance(meta, dict) or meta.get("format") != FORMAT:
            raise SnapshotFileError("format inconnu")
        if meta.get("key") != key:
            raise SnapshotFileError("instantané d'une autre version")
        mapped = mmap.mmap(raw.fileno(), 0, access=mmap.ACCESS_READ) if size else None
        try:
            arrays = _arrays(archive, raw, mapped, size)
            return _Decoder(arrays, packages).decode(meta["tree"])
        except SnapshotFileError:
            raise
        except (ValueError, TypeError, KeyError, IndexError, OSError, struct.error) as error:
            raise SnapshotFileError(f"fichier incohérent ({error})") from error


def _arrays(archive: zipfile.ZipFile, raw, mapped, size: int) -> list[np.ndarray]:
    members = {
        int(info.filename[1:-4]): info
        for info in archive.infolist()
        if info.filename.startswith("a") and info.filename.endswith(".npy")
    }
    if sorted(members) != list(range(len(members))):
        raise SnapshotFileError("tableaux manquants")
    return [_array(members[i], raw, mapped, size) for i in range(len(members))]


def _array(info: zipfile.ZipInfo, raw, mapped, size: int) -> np.ndarray:
    if info.compress_type != zipfile.ZIP_STORED:
        raise SnapshotFileError(f"{info.filename} : membre compressé")
    raw.seek(info.header_offset)
    header = raw.read(30)
    if len(header) != 30 or header[:4] != b"PK\x03\x04":
        raise SnapshotFileError(f"{info.filename} : en-tête absent")
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    start = info.header_offset + 30 + name_length + extra_length
    raw.seek(start)
    version = np.lib.format.read_magic(raw)
    if version not in _HEADER_READERS:
        raise SnapshotFileError(f"{info.filename} : version npy {version}")
    shape, fortran, dtype = _HEADER_READERS[version](raw)
    if dtype.hasobject:
        raise SnapshotFileError(f"{info.filename} : tableau d'objets")
    offset = raw.tell()
    count = int(np.prod(shape, dtype=np.int64))
    nbytes = count * dtype.itemsize
    if offset + nbytes > size or offset - start + nbytes != info.file_size:
        raise SnapshotFileError(f"{info.filename} : tronqué")
    order = "F" if fortran else "C"
    if count == 0:
        array = np.empty(shape, dtype=dtype, order=order)
    elif offset % max(dtype.alignment, 1) == 0:
        array = np.ndarray(shape, dtype=dtype, buffer=mapped, offset=offset, order=order)
    else:  # not aligned (file written by another tool): a copy, still correct
        array = np.frombuffer(mapped, dtype=dtype, count=count, offset=offset).reshape(
            shape, order=order
        )
        array = array.copy(order=order)
    array.flags.writeable = False
    return array
