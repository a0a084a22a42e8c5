"""Numbered lines of a text file, each decoded on its own and bounded in length."""

from __future__ import annotations

import codecs
import io
import itertools
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import IO

from ..errors import SourceError
from .encoding import (
    _BOMS,
    LABELS,
    SAMPLE_BYTES,
    UTF8,
    Encoding,
    TextFormat,
    _refused,
    _save_as_utf8,
    _text_expected,
    detect_encoding,
    field_index,
)


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
