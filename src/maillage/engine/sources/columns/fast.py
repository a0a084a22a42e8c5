"""Fast path of the typed columns: pyarrow reads, numpy checks; never decides on a defect."""

from __future__ import annotations

import csv
import itertools
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    pass

from .types import (
    _EMPTY_CODES,
    _HEADER_BYTES,
    PARQUET_SUFFIXES,
    Codes,
    TypedColumns,
    _Undecided,
    distinct,
)

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
