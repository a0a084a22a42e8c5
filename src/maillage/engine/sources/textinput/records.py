"""CSV records and a readable text stream over checked lines (``csv`` and pandas)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator

from ..errors import SourceError
from .lines import TextLines, _thousands


class TextStream(io.TextIOBase):
    """The rest of ``lines`` as a readable text stream (for ``pandas.read_csv``), read in
    blocks that went through every check of :class:`TextLines`."""

    def __init__(self, lines: TextLines):
        self._blocks = lines.blocks()
        self._pending = ""

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> str:
        parts, length = [self._pending], len(self._pending)
        while size is None or size < 0 or length < size:
            block = next(self._blocks, None)
            if block is None:
                break
            parts.append(block)
            length += len(block)
        data = "".join(parts)
        if size is None or size < 0:
            self._pending = ""
            return data
        self._pending = data[size:]
        return data[:size]

    def readline(self, size: int | None = -1) -> str:
        while "\n" not in self._pending:
            block = next(self._blocks, None)
            if block is None:
                break
            self._pending += block
        end = self._pending.find("\n") + 1 or len(self._pending)
        line, self._pending = self._pending[:end], self._pending[end:]
        return line


def csv_records(lines: TextLines, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """CSV records of the rest of ``lines``: ``(number of their first line, fields)``.

    Quoted fields may span lines; blank records are skipped. A record longer than the line
    limit (an unclosed quote) and every ``csv`` error become a :class:`SourceError` naming
    the line and the column.
    """
    limit = lines.max_line_bytes
    record: list[str] = []
    state = {"size": 0, "start": lines.number + 1}

    def feed() -> Iterator[str]:
        for _, text in lines:
            state["size"] += len(text) + 1
            record.append(text)
            if state["size"] > limit:
                raise SourceError(
                    lines.where,
                    f"enregistrement CSV de plus de {_thousands(limit)} caractères",
                    line=state["start"],
                    column=lines.column_of("\n".join(record)[:limit]),
                    expected='des guillemets refermés (un « " » ouvrant sans « " » fermant ?)',
                )
            yield text + "\n"

    reader = csv.reader(feed(), delimiter=delimiter)
    while True:
        record.clear()
        state["size"], state["start"] = 0, lines.number + 1
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise _csv_error(lines, "\n".join(record), error) from None
        if not fields or all(not value.strip() for value in fields):
            continue
        yield state["start"], fields


def _csv_error(lines: TextLines, text: str, error: csv.Error) -> SourceError:
    message = str(error)
    limit = re.search(r"field larger than field limit \((\d+)\)", message)
    if limit:
        what = f"champ de plus de {_thousands(int(limit.group(1)))} caractères"
        expected = "des champs plus courts (guillemet jamais refermé ?)"
    elif "new-line character seen in unquoted field" in message:
        what = "retour chariot isolé dans un champ non entre guillemets"
        expected = "des fins de ligne Windows (CR LF) ou Unix (LF)"
    else:
        what, expected = f"ligne CSV mal formée ({message})", "du CSV valide"
    return SourceError(
        lines.where,
        what,
        line=lines.number,
        column=lines.column_of(text),
        expected=expected,
    )
