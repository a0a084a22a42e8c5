"""pyarrow reader of ``Personne_activite``: record batches of string columns (2 s national).

When pyarrow rejects the file, the line-by-line reader of :mod:`.lines` runs to name the
faulty line, so both readers give the same errors.
"""

from __future__ import annotations

import codecs
import io
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import IO

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from ..archives import ArchiveLimits
from ..bytelines import iter_decoded_lines
from ..errors import SourceError
from .header import (
    FIELDS,
    SEPARATOR,
    OnError,
    ParseReport,
    open_activity_file,
    parse_header,
    width_error,
)
from .lines import iter_activities


def iter_activity_batches(
    path: str | Path,
    *,
    fields: Iterable[str] = FIELDS,
    block_size: int = 1 << 20,
    on_error: OnError = "raise",
    report: ParseReport | None = None,
    limits: ArchiveLimits | None = None,
) -> Iterator[pa.RecordBatch]:
    """Stream the activity file as pyarrow record batches of raw string columns.

    Columns are named after the record fields (``FIELDS``; ``code_commune_structure`` is the
    raw commune, no fallback); an optional column absent from the header comes out as empty
    strings. Memory stays bounded by ``block_size``.

    Parameters
    ----------
    path : str or Path
        The zip or the plain text file.
    fields : iterable of str
        Record fields to read (a subset of ``FIELDS``).
    block_size : int
        Bytes parsed per batch. pyarrow holds several blocks in flight: 4 MB blocks cost
        150 MB more than 1 MB blocks on the national file, for the same speed.
    on_error : {"raise", "skip"}
        As in :func:`~.lines.iter_activities`. In ``"skip"`` mode pyarrow drops lines with a
        wrong number of fields and they are listed in ``report.skipped``.
    report : ParseReport, optional
        Receives the skipped lines and the number of records.
    limits : ArchiveLimits, optional
        How far the zip may expand (default: :class:`ArchiveLimits`).

    Raises
    ------
    SourceError
        As :func:`~.lines.iter_activities`; when pyarrow rejects a line, the file is scanned
        line by line to report the line number.
    """
    fields = list(fields)
    unknown = [name for name in fields if name not in FIELDS]
    if unknown:
        raise ValueError(f"unknown RPPS fields: {unknown}")
    report = report if report is not None else ParseReport()
    path = Path(path)
    with open_activity_file(path, limits) as (binary, where):
        # The header through the shared text layer: BOM, UTF-16, binary files, NUL byte and
        # line length are refused in French with the line and character.
        first = next(iter_decoded_lines(where, binary), None)
        if first is None or not first[1].strip():
            raise SourceError(
                where,
                "fichier vide",
                line=1,
                character=1,
                expected="l'en-tête de PS_LibreAcces_Personne_activite (séparateur « | »)",
            )
        header = parse_header(where, first[1])
        # pyarrow names columns itself: the header line was consumed above, so names are
        # positional and duplicate or empty header names cannot confuse it.
        names = [f"c{position}" for position in range(header.width)]
        wanted = {name: header.positions.get(name) for name in fields}
        include = sorted({f"c{p}" for p in wanted.values() if p is not None})

        def on_invalid(row: pacsv.InvalidRow) -> str:
            if on_error == "raise":
                return "error"
            number = row.number + 1 if row.number is not None else None  # header line
            report.skipped.append(
                width_error(where, number, header.width, row.actual_columns, row.text)
            )
            return "skip"

        options = {
            "read_options": pacsv.ReadOptions(column_names=names, block_size=block_size),
            "parse_options": pacsv.ParseOptions(
                delimiter=SEPARATOR,
                quote_char=False,
                escape_char=False,
                newlines_in_values=False,
                invalid_row_handler=on_invalid,
            ),
            "convert_options": pacsv.ConvertOptions(
                include_columns=include,
                column_types=dict.fromkeys(include, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        }
        try:
            reader = pacsv.open_csv(_Utf8Checked(binary), **options)
            while True:
                try:
                    batch = reader.read_next_batch()
                except StopIteration:
                    break
                report.records += batch.num_rows
                report.lines += batch.num_rows
                yield _rename(batch, wanted)
        except (pa.ArrowInvalid, UnicodeDecodeError) as error:
            if "Empty CSV file" in str(error):
                raise SourceError(
                    where, "aucune ligne de données après l'en-tête", line=2, character=1
                ) from error
            # Re-read precisely to name the line; raise pyarrow's message otherwise.
            _locate_error(path, limits)
            raise SourceError(where, f"fichier RPPS illisible : {error}") from error
    if any(error.line is None for error in report.skipped):
        _number_skipped(path, report, limits)


def _number_skipped(path: Path, report: ParseReport, limits: ArchiveLimits | None) -> None:
    """pyarrow does not know the line numbers of the rows it skipped: find them."""
    wanted = {
        error.found.split(" : ", 1)[1]: i
        for i, error in enumerate(report.skipped)
        if error.line is None and error.found
    }
    with open_activity_file(path, limits) as (binary, _):
        for number, line in iter_decoded_lines(path, binary):
            index = wanted.pop(line, None)
            if index is not None:
                error = report.skipped[index]
                report.skipped[index] = SourceError(
                    error.path, error.message, number, error.column, error.expected, error.found
                )
                if not wanted:
                    return


class _Utf8Checked(io.RawIOBase):
    """Pass-through reader that checks that the bytes are UTF-8.

    pyarrow validates only the columns it converts; decoding every block here (C speed)
    catches a bad byte in any column, and the line reader then names its line.
    """

    def __init__(self, raw: IO[bytes]) -> None:
        self._raw = raw
        self._decoder = codecs.getincrementaldecoder("utf-8")("strict")

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        data = self._raw.read(size)
        self._decoder.decode(data, final=not data)
        if b"\x00" in data:  # valid UTF-8, but no text column may hold it: the line reader
            at = data.index(b"\x00")  # then names the line
            raise UnicodeDecodeError("utf-8", data, at, at + 1, "octet nul")
        return data

    def readinto(self, buffer) -> int:  # pragma: no cover - pyarrow calls read()
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def _rename(batch: pa.RecordBatch, wanted: Mapping[str, int | None]) -> pa.RecordBatch:
    arrays = []
    for position in wanted.values():
        if position is None:
            arrays.append(pa.array([""] * batch.num_rows, pa.string()))
        else:
            column = batch.column(f"c{position}")
            # The file pads nothing, but trimming keeps both readers identical.
            arrays.append(pc.utf8_trim_whitespace(column))
    return pa.RecordBatch.from_arrays(arrays, names=list(wanted))


def _locate_error(path: Path, limits: ArchiveLimits | None) -> None:
    """Re-read the file line by line and raise the precise error, if there is one."""
    for _ in iter_activities(path, on_error="raise", limits=limits):
        pass
