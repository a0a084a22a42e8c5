"""Typed columns of a CSV or Parquet file, checked with vectorised operations.

The readers of the accessibility engine (travel times, populations, supply, points) take a
few columns by name from files of up to millions of rows. Two paths give the same result:

* the fast path (:func:`read_typed`): Parquet columns are read as stored, CSV columns with
  their declared type by pyarrow; codes come as a dictionary (each distinct code is stripped
  and checked once, rows hold its position); every check is one numpy operation;
* the locating path (:func:`read_columns`, :func:`code_column`, :func:`number_column`): the
  file read as text, value by value, so that a defect is reported with the file, the line and
  the column, in French (:class:`SourceError`).

The fast path never decides on a defect: when a check fails, or when the file needs what it
does not read (decimal comma, another encoding, a malformed line, a text column of numbers in
Parquet), the file is read again by the locating path, which reads it or names the defect.
"""

from __future__ import annotations

import csv
import dataclasses
import itertools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from .errors import SourceError
from .numbers import parse_numbers
from .textinput import SPREADSHEET, TextStream, open_lines

if TYPE_CHECKING:
    import pandas as pd

PARQUET_SUFFIXES = (".parquet", ".pq")
# Texts the locating path reads as "no code" (what a missing value becomes as text).
_EMPTY_CODES = ("", "nan", "None")
# A header longer than this is left to the locating path (which bounds lines itself).
_HEADER_BYTES = 1 << 16


@dataclass(frozen=True)
class Number:
    """A column of numbers: bounds (inclusive) and what the error message says is expected."""

    minimum: float | None = None
    maximum: float | None = None
    expected: str = "un nombre"


@dataclass(frozen=True)
class Codes:
    """A column of codes: ``values[index[k]]`` is the code of row ``k``.

    ``values`` holds the distinct codes (stripped, kept verbatim: ``"01001"``, ``"2A004"``),
    so that work per code (lookups, checks) is done once per distinct code.
    """

    values: np.ndarray
    index: np.ndarray

    def __len__(self) -> int:
        return int(self.index.size)

    def text(self) -> np.ndarray:
        """The code of every row (object array)."""
        return self.values[self.index]

    @classmethod
    def from_text(cls, codes) -> Codes:
        """Codes of rows given as texts (already stripped)."""
        texts = np.asarray(codes, dtype=object).tolist()
        values, index = distinct(texts)
        return cls(values, np.arange(len(texts)) if index is None else index)

    def first_repeated_row(self) -> int | None:
        """Row of the first code already seen on an earlier row, or None."""
        if np.bincount(self.index, minlength=self.values.size).max(initial=0) < 2:
            return None
        _, first_rows = np.unique(self.index, return_index=True)
        repeated = np.ones(self.index.size, dtype=bool)
        repeated[first_rows] = False
        return int(np.flatnonzero(repeated)[0])


@dataclass(frozen=True)
class TypedColumns:
    """Columns read by :func:`read_typed`, by required name."""

    codes: dict[str, Codes]
    numbers: dict[str, np.ndarray]
    first_line: int  # line (CSV) or row number (Parquet) of the first data row
    # With ``drop_blank``: lines of the rows left out for a blank number (the columns above
    # hold the other rows only, and line numbers of later errors are no longer first_line + k).
    blank_lines: tuple[int, ...] = ()


class _Undecided(Exception):
    """The fast path cannot read or judge the file: the locating path must."""


def read_typed(
    path: str | Path,
    codes: tuple[str, ...] = (),
    numbers: Mapping[str, Number] | None = None,
    aliases: Mapping[str, str] | None = None,
    drop_blank: bool = False,
) -> TypedColumns:
    """Read code and number columns of a CSV (UTF-8, comma) or Parquet file.

    Parameters
    ----------
    path : str or Path
        ``.parquet`` / ``.pq``, or CSV with a header line.
    codes : tuple of str
        Columns of codes: stripped text, never empty. In Parquet, a column of numbers is
        refused (leading zeros of INSEE codes would be lost).
    numbers : mapping of str to Number
        Columns of numbers (float64), finite and within the bounds.
    aliases : mapping, optional
        ``{other name: required name}`` accepted in place of a required column.
    drop_blank : bool
        Leave out (instead of refusing) the CSV rows where a number is blank; their lines
        are in ``blank_lines``.

    Raises
    ------
    SourceError
        Missing file or column, empty code, invalid or out-of-bounds number, malformed line,
        with the file, the line and the column.
    """
    path = Path(path)
    numbers = dict(numbers or {})
    aliases = dict(aliases or {})
    try:
        return _read_fast(path, codes, numbers, aliases, drop_blank)
    except _Undecided:
        return _read_located(path, codes, numbers, aliases, drop_blank)


# ---------------------------------------------------------------------------------------------
# Fast path: pyarrow and numpy


def _read_fast(path, codes, numbers, aliases, drop_blank) -> TypedColumns:
    import pyarrow as pa

    parquet = path.suffix.lower() in PARQUET_SUFFIXES
    if parquet:
        table = _parquet_table(path, codes, numbers, aliases)
    else:
        table = _csv_table(path, codes, numbers, aliases, drop_blank)
    if table.num_rows == 0:
        raise _Undecided  # the locating path says what an empty file lacks
    kept = None
    blank_lines: tuple[int, ...] = ()
    if drop_blank and not parquet and numbers:
        # Blank numbers were read as nulls (and only them: null_values=[""]).
        blank = np.zeros(table.num_rows, dtype=bool)
        for name in numbers:
            blank |= _nulls(table.column(name))
        if blank.any():
            blank_lines = tuple((np.flatnonzero(blank) + 2).tolist())
            kept = ~blank
    found_codes = {}
    for name in codes:
        column = table.column(name)
        if column.null_count or not pa.types.is_dictionary(column.type):
            raise _Undecided
        found = _dictionary_codes(column)
        found_codes[name] = found if kept is None else Codes(found.values, found.index[kept])
    found_numbers = {}
    for name, rule in numbers.items():
        column = table.column(name)
        values = _primitive(column).astype(np.float64, copy=False)
        if kept is not None:
            values = values[kept]
        elif column.null_count:
            raise _Undecided
        bad = ~np.isfinite(values)
        if rule.minimum is not None:
            bad |= values < rule.minimum
        if rule.maximum is not None:
            bad |= values > rule.maximum
        if bad.any():
            raise _Undecided
        found_numbers[name] = values
    return TypedColumns(found_codes, found_numbers, 1 if parquet else 2, blank_lines)


def _resolve(names: list[str], required: tuple[str, ...], aliases) -> dict[str, str]:
    """{required name: name in the file}, as the locating path maps them (stripped names,
    an alias only when the required name is absent)."""
    cleaned = [str(name).strip().lstrip("\ufeff") for name in names]
    if len(set(cleaned)) != len(cleaned):
        raise _Undecided
    found = dict(zip(cleaned, names, strict=True))
    mapping = {}
    for name in required:
        if name not in found:
            alias = next((a for a, n in aliases.items() if n == name and a in found), None)
            if alias is None:
                raise _Undecided
            mapping[name] = found[alias]
        else:
            mapping[name] = found[name]
    return mapping


def _parquet_table(path, codes, numbers, aliases):
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        schema = pq.read_schema(path)
    except Exception as exc:  # missing or unreadable: the locating path says which
        raise _Undecided from exc
    mapping = _resolve(schema.names, (*codes, *numbers), aliases)
    for name in codes:
        kind = schema.field(mapping[name]).type
        if pa.types.is_dictionary(kind):
            kind = kind.value_type
        if not (pa.types.is_string(kind) or pa.types.is_large_string(kind)):
            raise _Undecided
    for name in numbers:
        kind = schema.field(mapping[name]).type
        if not (pa.types.is_integer(kind) or pa.types.is_floating(kind)):
            raise _Undecided
    try:
        # ParquetFile rather than read_table, which imports pandas for its metadata. One
        # thread: reading is a small part of a command, and threads cost twice the CPU time
        # on a busy machine.
        table = pq.ParquetFile(
            path, read_dictionary=[mapping[name] for name in codes], memory_map=True
        ).read(columns=[mapping[name] for name in (*codes, *numbers)], use_threads=False)
    except Exception as exc:
        raise _Undecided from exc
    return table.rename_columns([*codes, *numbers])


def _csv_table(path, codes, numbers, aliases, drop_blank):
    import pyarrow as pa
    import pyarrow.csv as pacsv

    try:
        with path.open("rb") as handle:
            header = handle.readline(_HEADER_BYTES)
    except OSError as exc:
        raise _Undecided from exc
    if not header.endswith(b"\n"):
        raise _Undecided  # empty, one line without data, or an overlong header
    try:
        names = next(csv.reader([header.decode("utf-8").removeprefix("\ufeff")]))
    except (UnicodeDecodeError, csv.Error, StopIteration) as exc:
        raise _Undecided from exc
    mapping = _resolve(names, (*codes, *numbers), aliases)
    text_codes = pa.dictionary(pa.int32(), pa.string())
    types = {mapping[name]: text_codes for name in codes}
    types |= {mapping[name]: pa.float64() for name in numbers}
    try:
        table = pacsv.read_csv(
            path,
            parse_options=pacsv.ParseOptions(delimiter=","),
            convert_options=pacsv.ConvertOptions(
                column_types=types,
                include_columns=list(types),
                null_values=[""] if drop_blank else [],
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowException, OSError) as exc:
        raise _Undecided from exc
    return table.rename_columns([*codes, *numbers])


def _dictionary_codes(column) -> Codes:
    """Codes of a dictionary-encoded column: each distinct text stripped and checked once."""
    column = column.unify_dictionaries()
    if column.num_chunks:
        dictionary = _texts(column.chunks[0].dictionary)
        index = np.concatenate([_primitive(chunk.indices) for chunk in column.chunks])
    else:
        dictionary, index = [], np.zeros(0, dtype=np.int32)
    values, inverse = distinct([text.strip() for text in dictionary])
    if inverse is not None:  # texts equal once stripped: one code
        index = inverse[index]
    empty = np.isin(values, _EMPTY_CODES)
    if empty.any() and empty[index].any():
        raise _Undecided
    return Codes(values, index)


def distinct(texts: list[str]) -> tuple[np.ndarray, np.ndarray | None]:
    """Distinct texts (object array, first-seen order) and the position of each text among
    them, or None when the texts are already distinct (one pass through a dict, no sort)."""
    values = np.empty(len(texts), dtype=object)
    values[:] = texts
    if len(set(texts)) == len(texts):  # the usual case: nothing to merge
        return values, None
    positions: dict[str, int] = {}
    inverse = [positions.setdefault(text, len(positions)) for text in texts]
    values = np.empty(len(positions), dtype=object)
    values[:] = list(positions)
    return values, np.asarray(inverse, dtype=np.int64)


# Arrow arrays to numpy through their buffers: pyarrow's own conversions (to_numpy,
# to_pylist) import pandas, a quarter of a second that a command reading a Parquet file need
# not pay.


def _primitive(array) -> np.ndarray:
    """Values of an integer or floating Arrow array (or chunked array), nulls unspecified."""
    import pyarrow as pa

    chunks = array.chunks if isinstance(array, pa.ChunkedArray) else [array]
    kind = array.type
    if pa.types.is_floating(kind):
        dtype = np.dtype(f"f{kind.bit_width // 8}")
    elif pa.types.is_integer(kind):
        dtype = np.dtype(f"{'i' if pa.types.is_signed_integer(kind) else 'u'}{kind.bit_width // 8}")
    else:
        raise _Undecided
    parts = [
        np.frombuffer(
            chunk.buffers()[1], dtype=dtype, count=len(chunk), offset=chunk.offset * dtype.itemsize
        )
        for chunk in chunks
    ]
    return np.concatenate(parts) if parts else np.zeros(0, dtype=dtype)


def _nulls(array) -> np.ndarray:
    """True where an Arrow chunked array holds a null."""
    parts = []
    for chunk in array.chunks:
        validity = chunk.buffers()[0]
        if chunk.null_count == 0 or validity is None:
            parts.append(np.zeros(len(chunk), dtype=bool))
            continue
        bits = np.unpackbits(np.frombuffer(validity, dtype=np.uint8), bitorder="little")
        parts.append(bits[chunk.offset : chunk.offset + len(chunk)] == 0)
    return np.concatenate(parts) if parts else np.zeros(0, dtype=bool)


def _texts(array) -> list[str]:
    """Texts of an Arrow string array without nulls (a dictionary: a few thousand values)."""
    import pyarrow as pa

    wide = pa.types.is_large_string(array.type)
    if not (wide or pa.types.is_string(array.type)) or array.null_count:
        raise _Undecided
    _, offsets_buffer, data_buffer = array.buffers()
    offsets = np.frombuffer(
        offsets_buffer,
        dtype=np.int64 if wide else np.int32,
        count=len(array) + 1,
        offset=array.offset * (8 if wide else 4),
    ).tolist()
    data = data_buffer.to_pybytes() if data_buffer is not None else b""
    try:
        return [data[a:b].decode("utf-8") for a, b in itertools.pairwise(offsets)]
    except UnicodeDecodeError as exc:
        raise _Undecided from exc


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
