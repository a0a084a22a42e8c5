"""Read a large JSON document piece by piece: the members of its top-level object one at a time.

A national GeoJSON file is one object whose ``features`` array holds tens of thousands of
features; decoding it whole holds every coordinate as a Python float at once. This reader
decodes one value at a time with the C decoder of :mod:`json` (``raw_decode``) from a text
buffer that is refilled and trimmed as it goes, so memory follows the largest feature, not the
file. Every value comes with its line and column, and every defect — invalid JSON, nesting too
deep for the decoder (``RecursionError``), a value larger than :data:`MAX_VALUE_CHARS` — is a
:class:`SourceError` naming the file, the line and the column.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from .errors import SourceError

CHUNK_CHARS = 1 << 20
#: A single value (one feature) larger than this is refused rather than buffered: the largest
#: commune outline of IGN's full-resolution files is a few megabytes.
MAX_VALUE_CHARS = 256 << 20
#: Depth reported when the decoder gives up on nesting (it has no position of its own).
REPORTED_DEPTH = 100
_WHITESPACE = " \t\n\r"
#: An error this close to the end of the buffer may be a token cut short (``tru``, ``1e``,
#: ``\u12``): read more before reporting it.
_TOKEN_MARGIN = 16
_DECODER = json.JSONDecoder()


@dataclass(frozen=True, slots=True)
class Located:
    """A decoded value, where it starts in the file (1-based), and its text."""

    value: Any
    line: int
    column: int
    text: str


class JsonStream:
    """Cursor over the text of a JSON file, decoding one value at a time.

    Parameters
    ----------
    path : Path
        Shown in error messages.
    handle : text file object
        Read lazily, :data:`CHUNK_CHARS` at a time.
    expected : str
        What the file should hold, for error messages (« du GeoJSON »).
    """

    def __init__(self, path: Path | str, handle: IO[str], expected: str) -> None:
        self.path = path
        self.expected = expected
        self._handle = handle
        self._buffer = ""
        self._position = 0  # in the buffer
        self._eof = False
        self._lines_before = 0  # newlines before the buffer
        self._column_before = 0  # characters after the last newline before the buffer
        # Newlines counted so far in the buffer: ``where`` is called for every value and
        # positions only move forward, so each call counts from the previous one instead of
        # from the start of the buffer (a national file is one line: counting from the start
        # rescanned up to a megabyte per feature, a fifth of the import's time).
        self._counted_to = 0  # position in the buffer up to which newlines are counted
        self._counted_newlines = 0  # newlines in the buffer before ``_counted_to``
        self._last_newline = -1  # position of the last of them (-1: none)

    # ----------------------------------------------------------------- positions

    def where(self, position: int | None = None) -> tuple[int, int]:
        """(line, column), 1-based, of ``position`` in the buffer (default: the cursor)."""
        position = self._position if position is None else position
        if position < self._counted_to:  # backwards (an error located earlier): recount
            self._counted_to, self._counted_newlines, self._last_newline = 0, 0, -1
        buffer = self._buffer
        added = buffer.count("\n", self._counted_to, position)
        if added:
            self._counted_newlines += added
            self._last_newline = buffer.rfind("\n", self._counted_to, position)
        self._counted_to = position
        if self._counted_newlines:
            return self._lines_before + self._counted_newlines + 1, position - self._last_newline
        return self._lines_before + 1, self._column_before + position + 1

    def error(self, message: str, position: int | None = None, found: str | None = None):
        line, column = self.where(position)
        return SourceError(
            self.path,
            message,
            line=line,
            column=f"caractère {column}",
            expected=self.expected,
            found=found,
        )

    # ----------------------------------------------------------------- buffer

    def _fill(self, size: int | None = None) -> bool:
        """Read ``size`` more characters (default :data:`CHUNK_CHARS`); drop what was consumed.

        False at the end of the file.
        """
        if self._eof:
            return False
        consumed = self._buffer[: self._position]
        newlines = consumed.count("\n")
        if newlines:
            self._lines_before += newlines
            self._column_before = len(consumed) - consumed.rfind("\n") - 1
        else:
            self._column_before += len(consumed)
        try:
            chunk = self._handle.read(size or CHUNK_CHARS)
        except UnicodeDecodeError as error:
            raise locate_decode_error(self.path) from error
        self._buffer = self._buffer[self._position :] + chunk
        self._position = 0
        self._counted_to, self._counted_newlines, self._last_newline = 0, 0, -1
        if not chunk:
            self._eof = True
        return bool(chunk)

    def peek(self) -> str:
        """Next character that is not whitespace ("" at the end of the file)."""
        while True:
            buffer, position = self._buffer, self._position
            while position < len(buffer) and buffer[position] in _WHITESPACE:
                position += 1
            self._position = position
            if position < len(buffer):
                return buffer[position]
            if not self._fill():
                return ""

    def expect(self, characters: str, what: str) -> str:
        """Consume one of ``characters`` (after whitespace) or raise naming ``what``."""
        character = self.peek()
        if not character or character not in characters:
            raise self.error(
                f"JSON invalide : {what} attendu",
                found=character or "fin du fichier",
            )
        self._position += 1
        return character

    # ----------------------------------------------------------------- values

    def value(self) -> Located:
        """Decode the next value (after whitespace) and move past it."""
        if not self.peek():
            raise self.error("JSON invalide : fin du fichier inattendue", found="fin du fichier")
        while True:
            start = self._position  # reading more moves the buffer, not the cursor's value
            try:
                value, end = _DECODER.raw_decode(self._buffer, start)
            except json.JSONDecodeError as error:
                if self._cut_short(error):
                    self._read_more()
                    continue
                raise self.error(f"JSON invalide : {error.msg}", error.pos) from None
            except RecursionError:
                raise self.error(
                    f"JSON invalide : imbrication trop profonde (plus de {REPORTED_DEPTH} "
                    "niveaux de crochets ou d'accolades)",
                    self._too_deep(start),
                ) from None
            # A number cut by the end of the buffer decodes as a shorter one (``1.`` as 1,
            # ``1e-`` as 1): a value ending near the end of the buffer is read again.
            if end <= len(self._buffer) - _TOKEN_MARGIN or self._eof:
                line, column = self.where(start)
                text = self._buffer[start:end]
                self._position = end
                return Located(value, line, column, text)
            self._read_more()

    def _cut_short(self, error: json.JSONDecodeError) -> bool:
        """Whether the decoder failed only because the buffer ends inside the value.

        Errors well before the end of the buffer are real (more text cannot change what was
        read), except an unterminated string, reported at its opening quote.
        """
        if self._eof:
            return False
        return error.pos >= len(self._buffer) - _TOKEN_MARGIN or error.msg.startswith(
            "Unterminated string"
        )

    def _read_more(self) -> None:
        """Read more of the value at the cursor (the buffer moves: the cursor stays on it).

        Reads as much as is already buffered for the value, so a long value costs linear
        time, not quadratic.
        """
        held = len(self._buffer) - self._position
        if held > MAX_VALUE_CHARS:
            raise self.error(
                f"valeur JSON trop grande (plus de {MAX_VALUE_CHARS >> 20} millions de "
                "caractères d'un seul tenant)"
            )
        self._fill(max(CHUNK_CHARS, held))

    def _too_deep(self, start: int) -> int:
        """Position of the first bracket deeper than :data:`REPORTED_DEPTH`, from ``start``."""
        depth = 0
        in_string = escaped = False
        buffer = self._buffer
        for position in range(start, len(buffer)):
            character = buffer[position]
            if in_string:
                if escaped:
                    escaped = False
                elif character == "\\":
                    escaped = True
                elif character == '"':
                    in_string = False
            elif character == '"':
                in_string = True
            elif character in "[{":
                depth += 1
                if depth > REPORTED_DEPTH:
                    return position
            elif character in "]}":
                depth -= 1
        return start

    # ----------------------------------------------------------------- containers

    def members(self) -> Iterator[tuple[str, int, int]]:
        """Keys of the object at the cursor, each followed by its value left to read.

        Yields ``(key, line, column)``; the caller must read the value (:meth:`value`, or
        :meth:`elements` for an array) before asking for the next key.
        """
        self.expect("{", "« { »")
        if self.peek() == "}":
            self._position += 1
            return
        while True:
            if self.peek() != '"':
                raise self.error("JSON invalide : nom de membre entre guillemets attendu")
            key = self.value()
            self.expect(":", "« : »")
            yield key.value, key.line, key.column
            if self.expect(",}", "« , » ou « } »") == "}":
                return

    def elements(self) -> Iterator[Located]:
        """Decoded elements of the array at the cursor, one at a time."""
        self.expect("[", "« [ »")
        if self.peek() == "]":
            self._position += 1
            return
        while True:
            yield self.value()
            if self.expect(",]", "« , » ou « ] »") == "]":
                return

    def end(self) -> None:
        """Check that nothing but whitespace follows the document."""
        if self.peek():
            raise self.error("JSON invalide : texte après la fin du document")


def locate_decode_error(path: Path, chunk_bytes: int = CHUNK_CHARS) -> SourceError:
    """The first byte of ``path`` that is not UTF-8, with its line and character.

    Called only once decoding has failed: the file is read again as bytes, chunk by chunk, and
    the text before the bad byte is counted. Lines do not bound the work (a minified GeoJSON
    file is one line of hundreds of megabytes).
    """
    line, character = 1, 0  # character: characters after the last newline
    carry = b""
    with open(path, "rb") as handle:
        while True:
            chunk = handle.read(chunk_bytes)
            data = carry + chunk
            carry = b""
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError as error:
                cut = error.reason == "unexpected end of data" and len(data) - error.start < 4
                if cut and chunk:  # a character split between two chunks
                    text, carry = data[: error.start].decode("utf-8"), data[error.start :]
                else:
                    before = data[: error.start].decode("utf-8")
                    newlines = before.count("\n")
                    if newlines:
                        line += newlines
                        character = len(before) - before.rfind("\n") - 1
                    else:
                        character += len(before)
                    head = data[: 1 << 20]
                    what = "fichier binaire : " if b"\x00" in head else ""
                    return SourceError(
                        path,
                        f"{what}caractère illisible : le fichier n'est pas en UTF-8",
                        line=line,
                        character=character + 1,
                        expected="UTF-8 ; enregistrez le fichier en UTF-8",
                        found=repr(data[error.start : error.end]),
                    )
            newlines = text.count("\n")
            if newlines:
                line += newlines
                character = len(text) - text.rfind("\n") - 1
            else:
                character += len(text)
            if not chunk:
                return SourceError(path, "le fichier n'est pas en UTF-8", expected="UTF-8")
