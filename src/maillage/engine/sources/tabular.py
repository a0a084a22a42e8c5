"""Streaming reader of delimited text files with columns looked up by name.

Used by the territory parsers (COG, populations, points, study zonings), the official
zoning and the contact import. It reads through :mod:`.textinput` (encodings, binary files,
size limits), detects the separator among the allowed ones from the header, maps required
and optional columns by normalised name, and turns every defect into a :class:`SourceError`
naming file, line and column.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from .errors import SourceError
from .numbers import parse_integer, parse_number
from .text import normalise_header
from .textinput import UTF8, TextFormat, csv_records, open_lines


@dataclass(slots=True)
class Row:
    path: Path
    line: int
    values: dict[str, str]

    def text(self, key: str, *, required: bool = True) -> str | None:
        value = self.values.get(key, "").strip()
        if not value:
            if required:
                raise SourceError(
                    self.path,
                    "valeur manquante",
                    line=self.line,
                    column=key,
                    expected="une valeur non vide",
                )
            return None
        return value

    def number(
        self,
        key: str,
        *,
        kind: type = float,
        required: bool = True,
        minimum: float | None = None,
        maximum: float | None = None,
    ):
        """The number of column ``key`` read by :mod:`.numbers` (decimal comma or point,
        French thousands separators); ``kind=int`` refuses a fractional part."""
        raw = self.text(key, required=required)
        if raw is None:
            return None
        try:
            value = parse_integer(raw) if kind is int else parse_number(raw)
        except ValueError:
            expected = "un nombre entier" if kind is int else "un nombre"
            raise SourceError(
                self.path,
                "nombre illisible",
                line=self.line,
                column=key,
                expected=expected,
                found=raw,
            ) from None
        if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
            bounds = f"entre {minimum} et {maximum}" if maximum is not None else f"≥ {minimum}"
            raise SourceError(
                self.path,
                "valeur hors limites",
                line=self.line,
                column=key,
                expected=f"un nombre {bounds}",
                found=raw,
            )
        return value


def read_delimited(
    path: Path,
    required: Mapping[str, tuple[str, ...]],
    optional: Mapping[str, tuple[str, ...]] | None = None,
    *,
    delimiters: tuple[str, ...] = (",", ";"),
    text_format: TextFormat = UTF8,
    description: str = "",
) -> Iterator[Row]:
    """Yield one :class:`Row` per data record, ``values`` keyed by the caller's column keys.

    ``required`` and ``optional`` map a key to the header names it may have in the file
    (compared with :func:`normalise_header`). The file is read through
    :func:`.textinput.open_lines` in ``text_format`` (encodings, binary files, line length);
    quoted fields may span lines; blank lines are skipped. A file with a header and no data
    is an error (an import would otherwise « succeed » with nothing, or delete everything).
    """
    path = Path(path)
    optional = optional or {}
    what = f" {description}" if description else ""
    with open_lines(path, text_format) as lines:
        header_line = lines.header(expected=f"une ligne d'en-tête{what}")
        delimiter = max(delimiters, key=header_line.count)
        if header_line.count(delimiter) == 0 and len(required) > 1:
            raise SourceError(
                path,
                "séparateur de colonnes non reconnu",
                line=1,
                expected=" ou ".join(repr(d) for d in delimiters),
                found=header_line.strip(),
            )
        header = next(csv.reader([header_line], delimiter=delimiter))
        lines.name_columns(delimiter, header)
        positions = {normalise_header(name): index for index, name in enumerate(header)}
        columns: dict[str, int] = {}
        for key, names in {**required, **optional}.items():
            for name in names:
                if normalise_header(name) in positions:
                    columns[key] = positions[normalise_header(name)]
                    break
            else:
                if key in required:
                    raise SourceError(
                        path,
                        f"colonne obligatoire absente de l'en-tête{what}",
                        line=1,
                        column=names[0],
                        expected=" ou ".join(names),
                        found=header_line.strip(),
                    )
        width = len(header)
        found_rows = False
        for line, fields in csv_records(lines, delimiter):
            if len(fields) != width:
                raise SourceError(
                    path,
                    "nombre de colonnes incorrect (ligne tronquée ?)",
                    line=line,
                    column=header[len(fields)] if len(fields) < width else f"n° {width + 1}",
                    expected=f"{width} colonnes",
                    found=f"{len(fields)} colonnes",
                )
            found_rows = True
            yield Row(path, line, {key: fields[index] for key, index in columns.items()})
        if not found_rows:
            raise lines.no_data(f"au moins une ligne de données{what}")
