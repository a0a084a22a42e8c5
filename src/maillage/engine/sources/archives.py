"""Limits on compressed inputs (zip archives, xlsx workbooks): refuse decompression bombs early.

A 2 MB zip can expand to 2 GiB of zeros, and an xlsx is a zip whose sheet XML may be a huge
compressed run. Before a member is read, its *declared* size (central directory) and its
compression ratio are checked against :class:`ArchiveLimits`; while it is read, the *actual*
bytes are counted and the read stops as soon as they pass the same limits. Both give a
French :class:`SourceError` naming the file and the member.

The defaults sit well above real files: the national RPPS extraction is about 1 GB
uncompressed at a ratio near 8, the DREES APL workbook a few tens of megabytes. The ratio
limit (100, as Apache POI's default for Office files) is not applied to members smaller than
:data:`RATIO_GRACE_BYTES`: small XML parts of a workbook compress very well.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from .errors import SourceError

DEFAULT_MAX_BYTES = 4 << 30  # 4 GiB
DEFAULT_MAX_RATIO = 100.0
RATIO_GRACE_BYTES = 1 << 20
_READ_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError)


@dataclass(frozen=True)
class ArchiveLimits:
    """How far a compressed input may expand.

    ``max_bytes`` bounds each member (and the sum of the members read); ``max_ratio`` bounds
    uncompressed / compressed size for members over :data:`RATIO_GRACE_BYTES`.
    """

    max_bytes: int = DEFAULT_MAX_BYTES
    max_ratio: float = DEFAULT_MAX_RATIO


def _size(n: int) -> str:
    for unit, factor in (("Gio", 1 << 30), ("Mio", 1 << 20), ("kio", 1 << 10)):
        if n >= factor:
            return f"{n / factor:.1f} {unit}".replace(".", ",")
    return f"{n} octets"


def check_member(path: str | Path, info: zipfile.ZipInfo, limits: ArchiveLimits) -> None:
    """Refuse ``info`` on what the archive declares, before reading it."""
    where = f"{path}!{info.filename}"
    if info.file_size > limits.max_bytes:
        raise SourceError(
            where,
            "taille décompressée déclarée au-delà de la limite : archive refusée avant lecture",
            expected=f"au plus {_size(limits.max_bytes)} (réglage IMPORT_MAX_UNCOMPRESSED_BYTES)",
            found=_size(info.file_size),
        )
    if info.file_size > RATIO_GRACE_BYTES and (
        info.file_size > limits.max_ratio * max(info.compress_size, 1)
    ):
        raise SourceError(
            where,
            "taux de compression anormal (bombe de décompression ?) : archive refusée avant "
            "lecture",
            expected=f"au plus {limits.max_ratio:g} fois la taille compressée "
            "(réglage IMPORT_MAX_COMPRESSION_RATIO)",
            found=f"{_size(info.file_size)} pour {_size(info.compress_size)} compressés",
        )


def check_archive(path: str | Path, archive: zipfile.ZipFile, limits: ArchiveLimits) -> None:
    """Refuse an archive (xlsx) whose members, one by one or together, pass the limits."""
    total = 0
    for info in archive.infolist():
        check_member(path, info, limits)
        total += info.file_size
    if total > limits.max_bytes:
        raise SourceError(
            path,
            "taille décompressée totale déclarée au-delà de la limite : archive refusée "
            "avant lecture",
            expected=f"au plus {_size(limits.max_bytes)} (réglage IMPORT_MAX_UNCOMPRESSED_BYTES)",
            found=_size(total),
        )


class LimitedStream(io.RawIOBase):
    """Read-through of a member that stops once it has given more than the limits allow.

    The actual size is checked on its own (zip headers can lie); ``budget`` is shared by the
    members of one archive so that their sum is bounded too.
    """

    def __init__(
        self,
        raw: IO[bytes],
        where: str,
        compressed: int,
        limits: ArchiveLimits,
        budget: list[int] | None = None,
    ) -> None:
        self._raw = raw
        self._where = where
        self._compressed = max(compressed, 1)
        self._limits = limits
        self._budget = budget if budget is not None else [limits.max_bytes]
        self.read_bytes = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        try:
            data = self._raw.read(len(buffer))
        except _READ_ERRORS as error:
            raise SourceError(self._where, f"archive illisible ou corrompue ({error})") from error
        count = len(data)
        buffer[:count] = data
        self.read_bytes += count
        self._budget[0] -= count
        if self.read_bytes > self._limits.max_bytes or self._budget[0] < 0:
            raise SourceError(
                self._where,
                "taille décompressée au-delà de la limite : lecture arrêtée",
                expected=f"au plus {_size(self._limits.max_bytes)} "
                "(réglage IMPORT_MAX_UNCOMPRESSED_BYTES)",
                found=f"plus de {_size(self.read_bytes)}",
            )
        if (
            self.read_bytes > RATIO_GRACE_BYTES
            and self.read_bytes > self._limits.max_ratio * self._compressed
        ):
            raise SourceError(
                self._where,
                "taux de compression anormal (bombe de décompression ?) : lecture arrêtée",
                expected=f"au plus {self._limits.max_ratio:g} fois la taille compressée "
                "(réglage IMPORT_MAX_COMPRESSION_RATIO)",
                found=f"{_size(self.read_bytes)} lus pour {_size(self._compressed)} compressés",
            )
        return count

    def close(self) -> None:
        self._raw.close()
        super().close()


@contextmanager
def open_member(
    path: str | Path,
    archive: zipfile.ZipFile,
    name: str,
    limits: ArchiveLimits,
    budget: list[int] | None = None,
) -> Iterator[IO[bytes]]:
    """Buffered binary stream of member ``name``, checked before and while it is read."""
    info = archive.getinfo(name)
    check_member(path, info, limits)
    where = f"{path}!{name}"
    try:
        raw = archive.open(info)
    except _READ_ERRORS as error:
        raise SourceError(where, f"archive illisible ou corrompue ({error})") from error
    with io.BufferedReader(
        LimitedStream(raw, where, info.compress_size, limits, budget), 1 << 20
    ) as stream:
        yield stream


class LimitedZipFile(zipfile.ZipFile):
    """A zip archive whose members are all read through :class:`LimitedStream`.

    For readers that open members themselves (openpyxl): every ``open`` or ``read`` of a
    member is checked before and while it is read, and all of them share one budget.
    """

    def __init__(self, path: str | Path, limits: ArchiveLimits) -> None:
        super().__init__(path)
        self.source = path
        self.limits = limits
        self._budget = [limits.max_bytes]
        check_archive(path, self, limits)

    def open(self, name, mode="r", pwd=None, *, force_zip64=False):
        if mode != "r":
            return super().open(name, mode, pwd, force_zip64=force_zip64)
        info = name if isinstance(name, zipfile.ZipInfo) else self.getinfo(name)
        check_member(self.source, info, self.limits)
        raw = super().open(info, mode, pwd)
        where = f"{self.source}!{info.filename}"
        return io.BufferedReader(
            LimitedStream(raw, where, info.compress_size, self.limits, self._budget), 1 << 16
        )


def open_workbook(path: str | Path, limits: ArchiveLimits):
    """An xlsx workbook opened read-only (values, not formulas), every part read in limits.

    openpyxl opens the parts of the workbook itself, lazily in read-only mode: its reader is
    given a :class:`LimitedZipFile` in place of the archive it opened, so the sheets read
    later are checked as well.
    """
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        reader = ExcelReader(path, read_only=True, data_only=True)
        reader.archive.close()
        reader.archive = LimitedZipFile(path, limits)
        reader.valid_files = reader.archive.namelist()
        reader.read()
    except SourceError:
        raise
    except (InvalidFileException, zipfile.BadZipFile, OSError, KeyError, ValueError) as error:
        raise SourceError(path, f"classeur Excel illisible : {error}") from error
    return reader.wb
