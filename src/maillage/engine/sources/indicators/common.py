"""What the indicator parsers share: the commune code pattern, missing-value markers, the header."""

from __future__ import annotations

import csv
import re
from pathlib import Path

from ..errors import SourceError
from ..numbers import parse_number
from ..text import normalise_header
from ..textinput import TextLines

COMMUNE_CODE = re.compile(r"^(?:\d{5}|2[AB]\d{3})$")
MISSING = {"", "NS", "NC", "NA", "N/A", "ND", "-"}


def _header(
    lines: TextLines, required: tuple[str, ...], separators: str
) -> tuple[str, dict[str, int]]:
    """Separator and column positions of the header; errors then name their column."""
    path = lines.where
    line = lines.header(expected=separators[0].join(required))
    separator = max(separators, key=line.count)
    raw_names = next(csv.reader([line], delimiter=separator))
    lines.name_columns(separator, raw_names)
    names = [normalise_header(name) for name in raw_names]
    for column in required:
        if column not in names:
            raise SourceError(
                path,
                "colonne obligatoire absente de l'en-tête",
                line=1,
                column=column,
                expected=separator.join(required),
            )
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
