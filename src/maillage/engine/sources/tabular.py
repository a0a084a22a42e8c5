"""Streaming reader of delimited text files with columns looked up by name.

Used by the territory parsers (COG, populations, points). It detects the separator among
the allowed ones from the header, maps required and optional columns by normalised name,
and turns every defect into a :class:`SourceError` naming file, line and column.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from .errors import SourceError
from .text import normalise_header, open_text


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
        raw = self.text(key, required=required)
        if raw is None:
            return None
        cleaned = raw.replace("\u202f", "").replace(" ", "").replace(",", ".")
        try:
            value = (
                kind(float(cleaned)) if kind is int and cleaned.endswith(".0") else kind(cleaned)
            )
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
        if value != value:  # NaN
            raise SourceError(
                self.path,
                "nombre illisible",
                line=self.line,
                column=key,
                expected="un nombre",
                found=raw,
            )
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
    encodings: tuple[str, ...] = ("utf-8",),
    description: str = "",
) -> Iterator[Row]:
    """Yield one :class:`Row` per data line, ``values`` keyed by the caller's column keys.

    ``required`` and ``optional`` map a key to the header names it may have in the file
    (compared with :func:`normalise_header`). Lines that are entirely empty are skipped.
    """
    path = Path(path)
    if not path.is_file():
        raise SourceError(path, "fichier introuvable")
    optional = optional or {}
    with open_text(path, encodings) as handle:
        header_line = handle.readline()
        if not header_line.strip():
            raise SourceError(path, "fichier vide", line=1, expected="une ligne d'en-tête")
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
        positions = {normalise_header(name): index for index, name in enumerate(header)}
        columns: dict[str, int] = {}
        for key, names in {**required, **optional}.items():
            for name in names:
                if normalise_header(name) in positions:
                    columns[key] = positions[normalise_header(name)]
                    break
            else:
                if key in required:
                    what = f" {description}" if description else ""
                    raise SourceError(
                        path,
                        f"colonne obligatoire absente de l'en-tête{what}",
                        line=1,
                        column=names[0],
                        expected=" ou ".join(names),
                        found=header_line.strip(),
                    )
        width = len(header)
        reader = csv.reader(handle, delimiter=delimiter)
        line = 1
        while True:
            try:
                fields = next(reader)
            except StopIteration:
                return
            except UnicodeDecodeError as error:
                raise SourceError(
                    path,
                    "caractère illisible dans l'encodage du fichier",
                    line=line + 1,
                    expected=handle.encoding,
                ) from error
            except csv.Error as error:
                raise SourceError(path, f"ligne CSV mal formée ({error})", line=line + 1) from error
            line = reader.line_num + 1
            if not fields or all(not f.strip() for f in fields):
                continue
            if len(fields) != width:
                raise SourceError(
                    path,
                    "nombre de colonnes incorrect (ligne tronquée ?)",
                    line=line,
                    expected=f"{width} colonnes",
                    found=f"{len(fields)} colonnes",
                )
            yield Row(path, line, {key: fields[index] for key, index in columns.items()})
