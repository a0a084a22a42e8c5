"""Which encoding a text file is in, and what a file that is not text looks like.

A byte-order mark decides; otherwise UTF-8 when the first megabyte is UTF-8, else
Windows-1252 where the format allows it, unless that megabyte holds UTF-8 accented letters
(damaged UTF-8, read as UTF-8 so that the bad byte is reported on its line). Spreadsheets,
archives, PDF and NUL bytes are refused, saying what the file looks like.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import SourceError

#: Longest line (and longest CSV record) accepted, end of line included: 1 MiB. The widest
#: official lines are about 4 KB (INSEE base-cc, 321 columns); a longer one is a file without
#: line ends or a runaway quote, which would otherwise be read whole into memory.
MAX_LINE_BYTES = 1 << 20
#: Bytes read at the start of a file to detect its encoding.
SAMPLE_BYTES = 1 << 20

LABELS = {
    "utf-8": "UTF-8",
    "cp1252": "Windows-1252",
    "utf-16-le": "UTF-16 LE",
    "utf-16-be": "UTF-16 BE",
    "utf-32-le": "UTF-32 LE",
    "utf-32-be": "UTF-32 BE",
}


@dataclass(frozen=True, slots=True)
class TextFormat:
    """The encodings a file format may come in.

    ``encodings`` starts with ``"utf-8"``; the others are single-byte fallbacks tried, in
    order, when the first megabyte is not UTF-8. ``utf16`` accepts UTF-16 files that start
    with a byte-order mark (Excel's « Texte Unicode »).
    """

    encodings: tuple[str, ...] = ("utf-8",)
    utf16: bool = False
    max_line_bytes: int = MAX_LINE_BYTES

    def __post_init__(self) -> None:
        if not self.encodings or self.encodings[0] != "utf-8":
            raise ValueError("the encodings of a text format start with utf-8")

    def describe(self) -> str:
        names = [LABELS.get(name, name) for name in self.encodings]
        if self.utf16:
            names.append("UTF-16 avec indicateur d'ordre des octets (BOM)")
        return " ou ".join(names)


#: Official files published in UTF-8 only (RPPS, JSON).
UTF8 = TextFormat()
#: Official files that were Windows-1252 in older editions (INSEE, FINESS before 2021).
UTF8_OR_CP1252 = TextFormat(("utf-8", "cp1252"))
#: Files people keep in a spreadsheet and save as CSV (contacts, CPTS, zonings, indicators…).
SPREADSHEET = TextFormat(("utf-8", "cp1252"), utf16=True)


@dataclass(frozen=True, slots=True)
class Encoding:
    """A detected encoding: the Python codec and the byte-order mark to skip."""

    codec: str
    bom: bytes = b""

    @property
    def label(self) -> str:
        return LABELS.get(self.codec, self.codec)

    @property
    def newline(self) -> bytes:
        return "\n".encode(self.codec)


# UTF-32 before UTF-16: the UTF-32 LE mark starts with the UTF-16 LE one.
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_SIGNATURES = (
    (b"PK\x03\x04", "une archive ZIP ou un classeur (.xlsx, .ods)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "un classeur Excel 97-2003 (.xls)"),
    (b"%PDF-", "un document PDF"),
    (b"PAR1", "un fichier Parquet"),
    (b"\x1f\x8b", "une archive gzip"),
    (b"\x89PNG", "une image PNG"),
    (b"\xff\xd8\xff", "une image JPEG"),
    (b"SQLite format 3\x00", "une base SQLite"),
    (b"7z\xbc\xaf\x27\x1c", "une archive 7-Zip"),
)
# A lead byte followed by its continuation bytes: text written in UTF-8 (« é » is C3 A9).
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}")


def _save_as_utf8(fmt: TextFormat) -> str:
    if fmt.utf16:  # a file kept in a spreadsheet
        return "réenregistrez-le en UTF-8 (« CSV UTF-8 » dans un tableur)"
    return "convertissez-le en UTF-8"


def _text_expected(fmt: TextFormat) -> str:
    return f"un fichier texte en {fmt.describe()}"


def detect_encoding(where: str | Path, head: bytes, fmt: TextFormat = UTF8) -> Encoding:
    """Encoding of a file from its first bytes ``head`` (see the module docstring).

    Raises
    ------
    SourceError
        A byte-order mark of an encoding the format does not allow, a binary file (known
        signature or NUL byte, with the line and character of the first NUL), UTF-16 without
        a byte-order mark.
    """
    for bom, codec in _BOMS:
        if head.startswith(bom):
            if codec == "utf-8" or (fmt.utf16 and codec.startswith("utf-16")):
                return Encoding(codec, bom)
            raise _refused(where, LABELS[codec], fmt)
    for signature, what in _SIGNATURES:
        if head.startswith(signature):
            raise SourceError(
                where,
                f"fichier binaire : {what}, pas un fichier texte",
                line=1,
                character=1,
                expected=_text_expected(fmt),
            )
    nul = head.find(b"\x00")
    if nul >= 0:
        if _looks_like_utf16(head):
            raise SourceError(
                where,
                "fichier en UTF-16 sans indicateur d'ordre des octets (BOM)",
                line=1,
                character=1,
                expected=f"{fmt.describe()} ; {_save_as_utf8(fmt)}",
            )
        line, character = position_of(head, nul)
        raise SourceError(
            where,
            "fichier binaire : octet nul",
            line=line,
            character=character,
            expected=_text_expected(fmt),
        )
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        if error.reason == "unexpected end of data":
            return Encoding("utf-8")  # a character cut by the end of the sample
        if not _UTF8_MULTIBYTE.search(head):
            for codec in fmt.encodings[1:]:
                try:
                    head.decode(codec)
                except UnicodeDecodeError:
                    continue
                return Encoding(codec)
    # UTF-8, or damaged UTF-8: the undecodable byte is then reported on its own line.
    return Encoding("utf-8")


def _refused(where: str | Path, label: str, fmt: TextFormat) -> SourceError:
    return SourceError(
        where,
        f"fichier en {label} (indiqué par son BOM), encodage non accepté pour ce fichier",
        line=1,
        character=1,
        expected=f"{fmt.describe()} ; {_save_as_utf8(fmt)}",
    )


def _looks_like_utf16(head: bytes) -> bool:
    """Text in UTF-16 has a NUL in almost every other byte, and only there."""
    sample = head[:4096]
    pairs = len(sample) // 2
    if pairs < 2:
        return False
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    return max(even, odd) >= 0.3 * pairs and min(even, odd) <= 0.02 * pairs


def position_of(data: bytes, offset: int) -> tuple[int, int]:
    """Line and character (1-based) of byte ``offset`` in ``data``."""
    line_start = data.rfind(b"\n", 0, offset) + 1
    character = len(data[line_start:offset].decode("utf-8", "replace")) + 1
    return data.count(b"\n", 0, offset) + 1, character


def field_index(text: str, separator: str) -> int:
    """Index of the field in which ``text`` (the start of a CSV record) ends."""
    if '"' not in text:
        return text.count(separator)
    index, quoted = 0, False
    for char in text:
        if char == '"':
            quoted = not quoted
        elif char == separator and not quoted:
            index += 1
    return index
