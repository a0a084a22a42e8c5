"""The one entry point: try the fast path, fall back to the locating path when it cannot decide."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    pass

from .fast import _read_fast
from .located import _read_located
from .types import Number, TypedColumns, _Undecided


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
