"""Locating path of the typed columns: the file read as text, value by value, so that a
defect is reported with the file, the line and the column, in French.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ..errors import SourceError
from ..numbers import parse_numbers
from ..textinput import SPREADSHEET, TextStream, open_lines

if TYPE_CHECKING:
    import pandas as pd

from .types import _EMPTY_CODES, PARQUET_SUFFIXES, Codes, TypedColumns

# ---------------------------------------------------------------------------------------------
# Locating path: the file as text, value by value


def _read_located(path, codes, numbers, aliases, drop_blank) -> TypedColumns:
    frame, first = read_columns(path, (*codes, *numbers), aliases)
    lines = np.arange(len(frame)) + first
    blank_lines: tuple[int, ...] = ()
    if drop_blank and first == 2:  # CSV only: a Parquet null is not a blank text
        blank = np.zeros(len(frame), dtype=bool)
        for name in numbers:
            blank |= (frame[name].astype(str).str.strip() == "").to_numpy()
        blank_lines = tuple(lines[blank].tolist())
        frame, lines = frame[~blank], lines[~blank]
    try:
        return TypedColumns(
            {name: Codes.from_text(code_column(path, frame, name, 0)) for name in codes},
            {
                name: number_column(path, frame, name, 0, rule.minimum, rule.maximum, rule.expected)
                for name, rule in numbers.items()
            },
            first,
            blank_lines,
        )
    except SourceError as exc:
        if exc.line is None:
            raise
        # Row position among the rows kept → line of the file.
        raise dataclasses.replace(exc, line=int(lines[exc.line])) from None


def read_columns(path: Path, columns: tuple[str, ...], aliases: dict[str, str] | None = None):
    """Read a CSV or Parquet file whose required columns are named ``columns``, as text.

    Parameters
    ----------
    path : Path
    columns : tuple of str
        Required column names (extra columns are kept).
    aliases : dict, optional
        ``{other name: required name}`` accepted in place of a required column.

    Returns
    -------
    frame : pandas.DataFrame
        CSV columns as strings (no NA conversion); Parquet columns as stored.
    first_line : int
        Line number of the first data row (2 for CSV, after the header; 1 for Parquet).
    """
    import pandas as pd

    if not path.exists():
        raise SourceError(path, "fichier introuvable")
    aliases = aliases or {}
    if path.suffix.lower() in PARQUET_SUFFIXES:
        import pyarrow.parquet as pq

        try:
            table = pq.read_table(path)
        except Exception as exc:
            raise SourceError(path, f"fichier Parquet illisible ({exc})") from exc
        frame = table.to_pandas()
        first_line = 1  # Parquet has no header line: "ligne" is the row number.
    else:
        # Through the shared text layer: encodings, binary files and line length checked
        # line by line, so pandas only ever sees decoded, bounded text.
        with open_lines(path, SPREADSHEET) as lines:
            try:
                frame = pd.read_csv(
                    TextStream(lines), dtype=str, keep_default_na=False, skipinitialspace=True
                )
            except pd.errors.EmptyDataError as exc:
                raise SourceError(
                    path, "fichier vide", line=1, character=1, expected=", ".join(columns)
                ) from exc
            except pd.errors.ParserError as exc:
                match = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(exc))
                if match:
                    raise SourceError(
                        path,
                        "nombre de champs incorrect",
                        line=int(match.group(2)),
                        expected=f"{match.group(1)} champs",
                        found=f"{match.group(3)} champs",
                    ) from exc
                raise SourceError(path, f"CSV illisible ({exc})", line=lines.number) from exc
            if frame.empty:
                raise lines.no_data(", ".join(columns))
        first_line = 2  # line 1 is the header
    frame.columns = [str(c).strip().lstrip("\ufeff") for c in frame.columns]
    for alias, name in aliases.items():
        if name not in frame.columns and alias in frame.columns:
            frame = frame.rename(columns={alias: name})
    for column in columns:
        if column not in frame.columns:
            raise SourceError(
                path,
                "colonne absente",
                line=1 if first_line == 2 else None,
                column=column,
                expected=", ".join(columns),
                found=", ".join(frame.columns),
            )
    return frame, first_line


def code_column(path: Path, frame: pd.DataFrame, column: str, first_line: int) -> np.ndarray:
    """Codes of ``column`` as stripped strings (kept verbatim); an empty code is an error."""
    import pandas as pd

    if pd.api.types.is_numeric_dtype(frame[column].dtype):
        # A numeric Parquet column has already lost the leading zeros of codes like 01001.
        raise SourceError(
            path,
            "codes stockés comme des nombres",
            column=column,
            expected="une colonne texte (les zéros initiaux des codes INSEE seraient perdus)",
            found=str(frame[column].dtype),
        )
    codes = frame[column].astype(str).str.strip().to_numpy(dtype=object)
    empty = np.flatnonzero(np.isin(codes, _EMPTY_CODES))
    if empty.size:
        raise SourceError(
            path, "code vide", line=int(empty[0]) + first_line, column=column, expected="un code"
        )
    return codes


def number_column(
    path: Path,
    frame: pd.DataFrame,
    column: str,
    first_line: int,
    minimum: float | None = None,
    maximum: float | None = None,
    expected: str = "un nombre",
) -> np.ndarray:
    """Numbers of ``column`` as float64, read by :func:`.numbers.parse_numbers` (decimal comma
    or point, French thousands separators); the first invalid value, or one outside
    [minimum, maximum], raises :class:`SourceError` with its line."""
    import pandas as pd

    raw = frame[column]
    if pd.api.types.is_numeric_dtype(raw.dtype):  # Parquet: already numbers
        values = raw.to_numpy(dtype=np.float64)
        bad = ~np.isfinite(values)
    else:
        values, bad = parse_numbers(raw.astype(str))
    if minimum is not None:
        bad |= values < minimum
    if maximum is not None:
        bad |= values > maximum
    if bad.any():
        k = int(np.flatnonzero(bad)[0])
        raise SourceError(
            path,
            "valeur invalide",
            line=k + first_line,
            column=column,
            expected=expected,
            found=str(raw.iloc[k]),
        )
    return values
