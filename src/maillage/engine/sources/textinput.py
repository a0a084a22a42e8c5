"""One way in for the text files of every importer: encodings, binary files, size limits.

Parsers read text through :func:`open_lines` (numbered lines) and :func:`csv_records` (CSV
records over those lines), so that the same hostile file gets the same French answer from
every importer, naming file, line, column and character:

* **encoding** — a byte-order mark decides (UTF-8, or UTF-16 LE / BE where the format
  allows it); otherwise UTF-8 when the first megabyte is UTF-8, else Windows-1252 where the
  format allows it (what Excel writes), unless that megabyte holds UTF-8 accented letters:
  then it is damaged UTF-8, read as UTF-8 so that the bad byte is reported on its line
  rather than every accent silently garbled;
* **binary files** — a spreadsheet, an archive, a PDF or any NUL byte is refused, saying
  what the file looks like;
* **one line at a time** — each line is decoded on its own, so an undecodable byte anywhere
  (after the first megabyte too) is reported on its line, in its column;
* **size limits** — a line longer than :data:`MAX_LINE_BYTES`, or a CSV record longer than
  that (an unclosed quote swallowing the file), is refused before being held in memory; the
  ``csv`` module's own field limit is reported in French, never as a traceback.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import IO

from .errors import SourceError

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


class TextLines:
    """Numbered lines of a text file, each decoded on its own; an iterator of
    ``(line_number, text_without_line_end)``.

    After :meth:`name_columns`, errors name the column in which they occur.
    """

    def __init__(
        self,
        where: str | Path,
        binary: IO[bytes],
        encoding: Encoding,
        fmt: TextFormat = UTF8,
        start: int = 1,
    ):
        self.where = where
        self.encoding = encoding
        self.format = fmt
        self.max_line_bytes = fmt.max_line_bytes
        #: Number of the last line read (``start - 1`` before the first).
        self.number = start - 1
        self._start = start
        self.separator: str | None = None
        self.names: Sequence[str] = ()
        self._binary = binary
        self._lines = self._decoded()

    def __iter__(self) -> Iterator[tuple[int, str]]:
        # The generator itself: a for loop then runs without a Python-level __next__.
        return self._lines

    def __next__(self) -> tuple[int, str]:
        return next(self._lines)

    def name_columns(self, separator: str, names: Sequence[str]) -> None:
        """From now on, errors name the column (header ``names``, split on ``separator``)."""
        self.separator, self.names = separator, list(names)

    def header(self, expected: str) -> str:
        """The first line; an empty file or a blank first line is an error."""
        for _, text in self:
            if not text.strip():
                raise SourceError(
                    self.where, "ligne d'en-tête vide", line=1, character=1, expected=expected
                )
            return text
        raise SourceError(self.where, "fichier vide", line=1, character=1, expected=expected)

    def no_data(self, expected: str = "au moins une ligne de données") -> SourceError:
        """The error for a file holding a header and nothing else."""
        return SourceError(
            self.where,
            "aucune ligne de données après l'en-tête",
            line=self.number + 1,
            character=1,
            expected=expected,
        )

    def column_of(self, text: str) -> str | None:
        """Name of the column in which ``text`` (the start of a line or record) ends."""
        if not self.separator:
            return None
        index = field_index(text, self.separator)
        if index < len(self.names) and self.names[index].strip():
            return self.names[index].strip()
        return f"n° {index + 1}"

    # -- reading -------------------------------------------------------------------------

    def _decoded(self) -> Iterator[tuple[int, str]]:
        codec, limit = self.encoding.codec, self.max_line_bytes
        wide = len(self.encoding.newline) > 1
        # readline with a limit is C code and never holds more than the limit in memory.
        raws = self._wide_lines() if wide else iter(partial(self._binary.readline, limit + 1), b"")
        first = next(raws, None)
        if first is None:
            return
        if self._start == 1:
            first = self._without_bom(first)
        raws = itertools.chain((first,), raws)
        for number, raw in enumerate(raws, start=self._start):
            self.number = number
            if len(raw) > limit:
                raise self._too_long(raw[:limit], number)
            if not wide and b"\x00" in raw:
                raise self._binary_error(raw)
            try:
                text = raw.decode(codec)
            except UnicodeDecodeError as error:
                raise self._undecodable(raw, error) from None
            yield number, text.rstrip("\r\n")

    def blocks(self, size: int = 1 << 20) -> Iterator[str]:
        """The rest of the file as decoded text blocks that end at a line end, with the
        checks of the line iterator done on whole blocks (C speed) for bulk readers; a block
        that fails them is re-read line by line to name the line, column and character."""
        if len(self.encoding.newline) > 1:
            for _, text in self:
                yield text + "\n"
            return
        codec, limit, carry = self.encoding.codec, self.max_line_bytes, b""
        while True:
            data = self._binary.read(size)
            block = carry + data
            if not block:
                return
            cut = block.rfind(b"\n") + 1 if data else len(block)
            if cut == 0:  # no line end yet: keep reading, within the limit
                if len(block) > limit:
                    self._rescan(block)
                carry = block
                continue
            block, carry = block[:cut], block[cut:]
            if self.number == 0:
                block = self._without_bom(block)
            try:
                if b"\x00" in block or (
                    len(block) >= limit and max(map(len, block.split(b"\n"))) >= limit
                ):
                    raise ValueError
                text = block.decode(codec)
            except ValueError:  # UnicodeDecodeError included
                self._rescan(block)
                raise
            self.number += block.count(b"\n") + (not block.endswith(b"\n"))
            yield text

    def _rescan(self, block: bytes) -> None:
        """Read ``block`` line by line to raise the precise error (numbering continues)."""
        start = self.number + 1
        again = TextLines(self.where, io.BytesIO(block), self.encoding, self.format, start)
        again.separator, again.names = self.separator, self.names
        for _ in again:
            pass

    def _wide_lines(self) -> Iterator[bytes]:
        """Lines of a UTF-16 file: ends are the 2-byte newline at an even offset."""
        newline, limit = self.encoding.newline, self.max_line_bytes
        buffer = b""
        while True:
            start = 0
            while True:
                at = buffer.find(newline, start)
                while at >= 0 and (at - start) % 2:
                    at = buffer.find(newline, at + 1)
                if at < 0:
                    break
                if at + 2 - start > limit:
                    raise self._too_long(buffer[start : start + limit], self.number + 1)
                yield buffer[start : at + 2]
                start = at + 2
            buffer = buffer[start:]
            if len(buffer) > limit:
                raise self._too_long(buffer[:limit], self.number + 1)
            chunk = self._binary.read(1 << 16)
            if not chunk:
                if buffer:
                    yield buffer
                return
            buffer += chunk

    def _without_bom(self, raw: bytes) -> bytes:
        """Line 1 may start with the byte-order mark of the file's own encoding (callers that
        open the stream themselves leave it); the mark of another encoding is refused."""
        for bom, codec in _BOMS:
            if raw.startswith(bom):
                if codec == self.encoding.codec:
                    return raw[len(bom) :]
                raise _refused(self.where, LABELS.get(codec, codec), self.format)
        return raw

    # -- errors --------------------------------------------------------------------------

    def _decoded_prefix(self, raw: bytes) -> str:
        return raw.decode(self.encoding.codec, "replace")

    def _binary_error(self, raw: bytes) -> SourceError:
        prefix = self._decoded_prefix(raw[: raw.index(b"\x00")])
        return SourceError(
            self.where,
            "octet nul : fichier binaire ou d'un autre encodage",
            line=self.number,
            column=self.column_of(prefix),
            character=len(prefix) + 1,
            expected=_text_expected(self.format),
        )

    def _undecodable(self, raw: bytes, error: UnicodeDecodeError) -> SourceError:
        prefix = self._decoded_prefix(raw[: error.start])
        bad = raw[error.start : error.end]
        label = self.encoding.label
        expected = f"un fichier entièrement en {label}"
        if self.encoding.codec == "utf-8" and _decodes(raw, "cp1252"):
            if "cp1252" in self.format.encodings:
                expected += f" ; il mélange UTF-8 et Windows-1252 : {_save_as_utf8(self.format)}"
            else:
                expected += f" ; ce passage semble en Windows-1252 : {_save_as_utf8(self.format)}"
        context = raw[max(0, error.start - 20) : error.end + 20]
        return SourceError(
            self.where,
            f"caractère illisible dans l'encodage {label} (octet 0x{bad.hex(' ').upper()})",
            line=self.number,
            column=self.column_of(prefix),
            character=len(prefix) + 1,
            expected=expected,
            found=context.decode(self.encoding.codec, "replace").strip("\r\n"),
        )

    def _too_long(self, start: bytes, number: int) -> SourceError:
        prefix = self._decoded_prefix(start)
        return SourceError(
            self.where,
            f"ligne trop longue : plus de {_thousands(self.max_line_bytes)} octets",
            line=number,
            column=self.column_of(prefix),
            character=len(prefix) + 1,
            expected=f"au plus {_thousands(self.max_line_bytes)} octets par ligne "
            "(fichier sans fins de ligne, ou mal exporté ?)",
        )


def format_of(codec: str) -> tuple[Encoding, TextFormat]:
    """Encoding and format for a codec chosen by the caller (``"utf-8"``, ``"cp1252"``…)."""
    name = codecs.lookup(codec).name
    name = {"utf-8-sig": "utf-8", "utf-16": "utf-16-le"}.get(name, name)
    if name.startswith("utf-16"):
        return Encoding(name), TextFormat(utf16=True)
    if name == "utf-8":
        return Encoding(name), UTF8
    return Encoding(name), TextFormat(("utf-8", name))


def _decodes(raw: bytes, codec: str) -> bool:
    try:
        raw.decode(codec)
    except UnicodeDecodeError:
        return False
    return True


def _thousands(value: int) -> str:
    return f"{value:,}".replace(",", "\u202f")


@contextmanager
def open_lines(path: str | Path, fmt: TextFormat = UTF8) -> Iterator[TextLines]:
    """Open a text file of format ``fmt``: encoding detected, lines decoded one by one.

    Raises
    ------
    SourceError
        Missing or unreadable file, binary file, encoding the format does not allow; while
        iterating: undecodable byte, NUL byte, line longer than ``fmt.max_line_bytes``.
    """
    path = Path(path)
    try:
        binary = open(path, "rb")  # noqa: SIM115 - closed by the with block below
    except FileNotFoundError as error:
        raise SourceError(path, "fichier introuvable") from error
    except IsADirectoryError as error:
        raise SourceError(path, "c'est un dossier, un fichier était attendu") from error
    except OSError as error:
        raise SourceError(path, f"lecture impossible ({error.strerror})") from error
    with binary:
        head = binary.read(SAMPLE_BYTES)
        encoding = detect_encoding(path, head, fmt)
        binary.seek(len(encoding.bom))
        yield TextLines(path, binary, encoding, fmt)


class TextStream(io.TextIOBase):
    """The rest of ``lines`` as a readable text stream (for ``pandas.read_csv``), read in
    blocks that went through every check of :class:`TextLines`."""

    def __init__(self, lines: TextLines):
        self._blocks = lines.blocks()
        self._pending = ""

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> str:
        parts, length = [self._pending], len(self._pending)
        while size is None or size < 0 or length < size:
            block = next(self._blocks, None)
            if block is None:
                break
            parts.append(block)
            length += len(block)
        data = "".join(parts)
        if size is None or size < 0:
            self._pending = ""
            return data
        self._pending = data[size:]
        return data[:size]

    def readline(self, size: int | None = -1) -> str:
        while "\n" not in self._pending:
            block = next(self._blocks, None)
            if block is None:
                break
            self._pending += block
        end = self._pending.find("\n") + 1 or len(self._pending)
        line, self._pending = self._pending[:end], self._pending[end:]
        return line


def csv_records(lines: TextLines, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """CSV records of the rest of ``lines``: ``(number of their first line, fields)``.

    Quoted fields may span lines; blank records are skipped. A record longer than the line
    limit (an unclosed quote) and every ``csv`` error become a :class:`SourceError` naming
    the line and the column.
    """
    limit = lines.max_line_bytes
    record: list[str] = []
    state = {"size": 0, "start": lines.number + 1}

    def feed() -> Iterator[str]:
        for _, text in lines:
            state["size"] += len(text) + 1
            record.append(text)
            if state["size"] > limit:
                raise SourceError(
                    lines.where,
                    f"enregistrement CSV de plus de {_thousands(limit)} caractères",
                    line=state["start"],
                    column=lines.column_of("\n".join(record)[:limit]),
                    expected='des guillemets refermés (un « " » ouvrant sans « " » fermant ?)',
                )
            yield text + "\n"

    reader = csv.reader(feed(), delimiter=delimiter)
    while True:
        record.clear()
        state["size"], state["start"] = 0, lines.number + 1
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise _csv_error(lines, "\n".join(record), error) from None
        if not fields or all(not value.strip() for value in fields):
            continue
        yield state["start"], fields


def _csv_error(lines: TextLines, text: str, error: csv.Error) -> SourceError:
    message = str(error)
    limit = re.search(r"field larger than field limit \((\d+)\)", message)
    if limit:
        what = f"champ de plus de {_thousands(int(limit.group(1)))} caractères"
        expected = "des champs plus courts (guillemet jamais refermé ?)"
    elif "new-line character seen in unquoted field" in message:
        what = "retour chariot isolé dans un champ non entre guillemets"
        expected = "des fins de ligne Windows (CR LF) ou Unix (LF)"
    else:
        what, expected = f"ligne CSV mal formée ({message})", "du CSV valide"
    return SourceError(
        lines.where,
        what,
        line=lines.number,
        column=lines.column_of(text),
        expected=expected,
    )
