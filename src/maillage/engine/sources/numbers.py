"""The one reader of numbers written in files, for every parser (scalar and vectorised).

The rules, the same in :func:`parse_number` and :func:`parse_numbers`:

* spaces around the number are ignored; an optional sign ``+`` / ``-``;
* the decimal separator is a comma or a point (``12,5`` or ``12.5``: French files and
  spreadsheets write the comma, exports of other tools the point), never both in one number:
  ``1.234,5`` and ``1,234.5`` are ambiguous and refused;
* thousands may be separated by a space, a no-break space (U+00A0, what Excel and
  LibreOffice write in French) or a narrow no-break space (U+202F, what INSEE tables write),
  only in groups of three digits (``1 234 567,5``): ``12 34`` is refused, not read as 1234;
* an exponent (``1e-05``, ``1,5E3``), as spreadsheets write very small values;
* nothing else: no ``NaN``, no infinity, no ``1_000``, no empty text, no overflow.

A comma alone is always decimal: ``1,234`` is 1.234, never 1234 (no official file writes
thousands with a comma).
"""

from __future__ import annotations

import math
import re

import numpy as np

#: Characters allowed between groups of three digits.
THOUSANDS_SEPARATORS = " \u00a0\u202f"
# Written with plain characters and ASCII classes so that Python's ``re`` and pyarrow's RE2
# read the very same pattern.
_DIGIT = "[0-9]"
_GROUPED = f"{_DIGIT}{{1,3}}(?:[{THOUSANDS_SEPARATORS}]{_DIGIT}{{3}})+"
PATTERN = (
    f"[+-]?(?:(?:{_GROUPED}|{_DIGIT}+)(?:[.,]{_DIGIT}*)?|[.,]{_DIGIT}+)(?:[eE][+-]?{_DIGIT}+)?"
)
_NUMBER = re.compile(PATTERN)
_INTEGER = re.compile(f"[+-]?{_DIGIT}+")
_DROP_SEPARATORS = str.maketrans("", "", THOUSANDS_SEPARATORS)


def parse_number(text: str) -> float:
    """The finite float written in ``text`` (rules in the module docstring).

    Raises
    ------
    ValueError
        ``text`` is not a number under these rules, or overflows a float.
    """
    stripped = text.strip()
    if not _NUMBER.fullmatch(stripped):
        raise ValueError(text)
    value = float(stripped.translate(_DROP_SEPARATORS).replace(",", "."))
    if not math.isfinite(value):
        raise ValueError(text)
    return value


def parse_integer(text: str) -> int:
    """The integer written in ``text``: digits, or a number with a zero fraction (``12,0``,
    ``1 234``) as spreadsheets export whole counts.

    Raises
    ------
    ValueError
        Not a number, or a number with a fractional part.
    """
    cleaned = text.strip().translate(_DROP_SEPARATORS)
    if _INTEGER.fullmatch(cleaned) and _NUMBER.fullmatch(text.strip()):
        return int(cleaned)  # exact, even beyond the 2**53 of a float
    value = parse_number(text)
    if not value.is_integer():
        raise ValueError(text)
    return int(value)


def parse_numbers(values) -> tuple[np.ndarray, np.ndarray]:
    """Vectorised :func:`parse_number` over a sequence of texts (pyarrow kernels, no Python loop).

    Parameters
    ----------
    values : sequence of str
        A pandas Series, numpy array or list of texts; ``None`` counts as invalid.

    Returns
    -------
    numbers : ndarray of float64
        The values, NaN where the text is invalid.
    invalid : ndarray of bool
        True where the text is not a number under the rules (or overflows).
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    array = pa.array(values, type=pa.string(), from_pandas=True)
    text = pc.utf8_trim_whitespace(array)
    valid = pc.fill_null(pc.match_substring_regex(text, f"^(?:{PATTERN})$"), False)
    cleaned = pc.replace_substring_regex(text, f"[{THOUSANDS_SEPARATORS}]", "")
    cleaned = pc.replace_substring(cleaned, ",", ".")
    numbers = pc.cast(pc.if_else(valid, cleaned, pa.scalar(None, pa.string())), pa.float64())
    result = numbers.to_numpy(zero_copy_only=False).astype(np.float64)
    invalid = ~np.isfinite(result)
    result[invalid] = np.nan  # an overflow ("1e999") is invalid, not infinite
    return result, invalid
