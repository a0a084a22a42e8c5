"""Errors raised by the parsers of official files.

Every parser reports bad input with the file, the line (1-based, as a text editor shows it),
the column or field, and what was expected, in French: the message is shown as is to users.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass
class SourceError(Exception):
    """Bad input in an official file.

    ``line`` is 1-based (``None`` when the error concerns the whole file), ``column`` is a
    column name or a field path, ``expected`` says what was expected and ``found`` what was
    read; ``character`` is the 1-based position in the line, for defects below the level of
    a column (an undecodable byte, a line cut by the length limit).
    """

    path: str | Path
    message: str
    line: int | None = None
    column: str | None = None
    expected: str | None = None
    found: str | None = None
    character: int | None = None

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __reduce__(self):
        # Rebuilt from its fields when it crosses a process boundary (parsing pools).
        return (
            type(self),
            (self.path, self.message, self.line, self.column, self.expected, self.found),
        )

    def __str__(self) -> str:
        where = f"{self.path}"
        if self.line is not None:
            where += f", ligne {self.line}"
        if self.column:
            where += f", colonne « {self.column} »"
        if self.character is not None:
            where += f", caractère {self.character}"
        text = f"{where} : {self.message}"
        if self.expected:
            text += f" (attendu : {self.expected}"
            if self.found is not None:
                text += f" ; lu : « {_shorten(self.found)} »"
            text += ")"
        elif self.found is not None:
            text += f" (lu : « {_shorten(self.found)} »)"
        return text


def _shorten(text: str, limit: int = 60) -> str:
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"
