"""Decompression bombs (issue 11 item 10): zip and xlsx refused before or while expanding.

The bombs are built here with little memory: zeros streamed through the compressor, or a
small archive whose central directory is edited to declare a huge size.
"""

from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path

import pytest

from maillage.engine.sources import indicators, rpps
from maillage.engine.sources.archives import (
    RATIO_GRACE_BYTES,
    ArchiveLimits,
    LimitedStream,
    LimitedZipFile,
    check_member,
)
from maillage.engine.sources.errors import SourceError

from .generated import HEADER_56, doctor, random_rpps_rows, write_apl_workbook, write_rpps
from .rpps.readers import batches_as_rows

MEMBER = "PS_LibreAcces_Personne_activite_202602170848.txt"
READERS = [
    lambda path, **options: list(rpps.iter_activities(path, **options)),
    batches_as_rows,
    lambda path, **options: rpps.count_professionals(path, **options),
]


def zeros_zip(path: Path, size: int, member: str = MEMBER, prefix: bytes = b"") -> Path:
    """A zip whose member is ``prefix`` then ``size`` zero bytes, written 1 MiB at a time."""
    chunk = bytes(1 << 20)
    with (
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open(member, "w", force_zip64=True) as out,
    ):
        out.write(prefix)
        for _ in range(size >> 20):
            out.write(chunk)
    return path


def declare_size(path: Path, member: str, size: int) -> Path:
    """Edit the central directory so that ``member`` declares ``size`` uncompressed bytes."""
    data = bytearray(path.read_bytes())
    name = member.encode()
    with zipfile.ZipFile(path) as archive:
        at = archive.start_dir  # the central directory, after the data
    while data[at + 46 : at + 46 + len(name)] != name:
        at = data.find(b"PK\x01\x02", at + 4)
    struct.pack_into("<I", data, at + 24, size)  # uncompressed size
    path.write_bytes(bytes(data))
    return path


@pytest.mark.parametrize("reader", READERS)
def test_zip_bomb_is_refused_before_reading(tmp_path, reader):
    # 64 MiB of zeros compress to 64 kB: a ratio of 1 000, refused on the declared sizes.
    bomb = zeros_zip(tmp_path / "PS_LibreAcces.zip", 64 << 20)
    with pytest.raises(SourceError) as caught:
        reader(bomb)
    assert "taux de compression anormal" in str(caught.value)
    assert "refusée avant lecture" in str(caught.value)
    assert f"{bomb}!{MEMBER}" in str(caught.value)


@pytest.mark.parametrize("reader", READERS)
def test_declared_size_over_the_limit(tmp_path, reader):
    archive = tmp_path / "PS_LibreAcces.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        out.write(write_rpps(tmp_path / "a.txt", random_rpps_rows(8000)), MEMBER)
    assert reader(archive, limits=ArchiveLimits(max_bytes=4 << 20)) is not None
    with pytest.raises(SourceError) as caught:
        reader(archive, limits=ArchiveLimits(max_bytes=1 << 20))
    assert "taille décompressée déclarée au-delà de la limite" in str(caught.value)
    assert "IMPORT_MAX_UNCOMPRESSED_BYTES" in str(caught.value)


def test_crafted_header_declaring_4_gib(tmp_path):
    archive = tmp_path / "PS_LibreAcces.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        out.write(write_rpps(tmp_path / "a.txt", [doctor()]), MEMBER)
    declare_size(archive, MEMBER, 0xFFFFFFF0)
    with pytest.raises(SourceError, match="refusée avant lecture"):
        list(rpps.iter_activities(archive))
    with pytest.raises(SourceError, match="taille décompressée déclarée"):
        list(rpps.iter_activities(archive, limits=ArchiveLimits(max_bytes=1 << 30)))


def test_header_declaring_less_than_the_data_is_corrupt_not_a_traceback(tmp_path):
    archive = tmp_path / "PS_LibreAcces.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        out.write(write_rpps(tmp_path / "a.txt", random_rpps_rows(200)), MEMBER)
    declare_size(archive, MEMBER, 1000)  # the rest of the data is never decompressed
    for reader in READERS:
        with pytest.raises(SourceError):
            reader(archive)


def test_a_real_sized_extraction_passes_the_default_limits(tmp_path):
    archive = tmp_path / "PS_LibreAcces.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        out.write(write_rpps(tmp_path / "a.txt", random_rpps_rows(8000, seed=3)), MEMBER)
    info = zipfile.ZipFile(archive).getinfo(MEMBER)
    assert info.file_size > RATIO_GRACE_BYTES  # the ratio is checked
    check_member(archive, info, ArchiveLimits())
    assert len(batches_as_rows(archive)) == 8000


def test_header_line_of_zeros_is_not_read_whole(tmp_path):
    # Below the ratio limit (random text after the zeros) but no header line in sight.
    plain = tmp_path / "ps-libreacces-personne-activite.txt"
    plain.write_bytes(bytes(1 << 20) + "|".join(HEADER_56).encode())
    with pytest.raises(SourceError, match="ligne trop longue"):
        batches_as_rows(plain)


def test_actual_bytes_are_counted_while_reading():
    limits = ArchiveLimits(max_bytes=4 << 20)
    stream = io.BufferedReader(LimitedStream(io.BytesIO(bytes(6 << 20)), "x!y", 5 << 20, limits))
    with pytest.raises(SourceError, match="lecture arrêtée") as caught:
        while stream.read(1 << 16):
            pass
    assert caught.value.path == "x!y"
    ratio = io.BufferedReader(LimitedStream(io.BytesIO(bytes(3 << 20)), "x!y", 10_000, limits))
    with pytest.raises(SourceError, match="taux de compression anormal"):
        ratio.read()


def test_members_of_one_archive_share_the_budget(tmp_path):
    archive = tmp_path / "deux.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_STORED) as out:
        out.writestr("a.xml", bytes(3 << 20))
        out.writestr("b.xml", bytes(3 << 20))
    with pytest.raises(SourceError, match="taille décompressée totale"):
        LimitedZipFile(archive, ArchiveLimits(max_bytes=5 << 20))


# --------------------------------------------------------------------------- xlsx


def xlsx_bomb(tmp_path: Path, blank: int) -> Path:
    """A DREES-like workbook whose first year sheet is padded with ``blank`` spaces."""
    good = write_apl_workbook(tmp_path / "apl.xlsx", {2022: [("83137", 3.1)]})
    bomb = tmp_path / "bombe.xlsx"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            data = source.read(info)
            if info.filename != "xl/worksheets/sheet2.xml":
                out.writestr(info, data)
                continue
            head, tail = data.split(b"<sheetData>", 1)
            with out.open(info.filename, "w", force_zip64=True) as sheet:
                sheet.write(head + b"<sheetData>")
                spaces = b" " * (1 << 20)
                for _ in range(blank >> 20):
                    sheet.write(spaces)
                sheet.write(tail)
    return bomb


def test_xlsx_bomb_is_refused_before_reading(tmp_path):
    bomb = xlsx_bomb(tmp_path, 64 << 20)
    with pytest.raises(SourceError) as caught:
        list(indicators.iter_apl_values(bomb))
    assert "taux de compression anormal" in str(caught.value)
    assert "xl/worksheets/sheet2.xml" in str(caught.value)


def test_xlsx_declared_size_limit_and_a_normal_workbook(tmp_path):
    padded = xlsx_bomb(tmp_path, 2 << 20)  # 2 MiB of blanks: ratio about 1 000
    loose = ArchiveLimits(max_ratio=1e6)
    (value,) = indicators.iter_apl_values(padded, limits=loose)
    assert (value.code_insee, value.apl, value.annee) == ("83137", 3.1, 2022)
    with pytest.raises(SourceError, match="taille décompressée déclarée"):
        list(indicators.iter_apl_values(padded, limits=ArchiveLimits(1 << 20, 1e6)))


def test_not_a_workbook(tmp_path):
    path = tmp_path / "apl.xlsx"
    path.write_bytes(b"PK\x03\x04 pas un classeur")
    with pytest.raises(SourceError, match="classeur Excel illisible"):
        list(indicators.iter_apl_values(path))
