"""What the typed-column readers are asked for (``Number``, ``Codes``) and give back."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    pass


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
