"""What the indicator parsers share: the commune code pattern, missing-value markers, the header."""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import SourceError
from ..numbers import parse_number
from ..text import required_header
from ..textinput import TextLines

COMMUNE_CODE = re.compile(r"^(?:\d{5}|2[AB]\d{3})$")
MISSING = {"", "NS", "NC", "NA", "N/A", "ND", "-"}


def _header(
    lines: TextLines, required: tuple[str, ...], separators: str
) -> tuple[str, dict[str, int]]:
    """Separator and column positions of the header; errors then name their column."""
    separator, names = required_header(lines, required, separators)
    return separator, {name: position for position, name in enumerate(names)}


def number_value(path: Path, number: int, column: str, text: str) -> float:
    """The number of a cell, or a French error naming its line and column."""
    try:
        return parse_number(text)
    except ValueError as error:
        raise SourceError(
            path,
            "nombre invalide",
            line=number,
            column=column,
            expected="un nombre (virgule ou point décimal)",
            found=text,
        ) from error
