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

from .located import code_column, number_column, read_columns
from .reader import read_typed
from .types import PARQUET_SUFFIXES, Codes, Number, TypedColumns, distinct

__all__ = [
    "PARQUET_SUFFIXES",
    "Codes",
    "Number",
    "TypedColumns",
    "code_column",
    "distinct",
    "number_column",
    "read_columns",
    "read_typed",
]
