"""French display of numbers, amounts and dates: the one formatting layer.

Pages (template filters), PDF, CLI output, engine explanations and the CSV / XLSX writers all
call these functions, so a figure reads the same everywhere:

- numbers ``1 234,56``: narrow no-break space (U+202F) between thousands, decimal comma;
- amounts ``1 234,56 €``; shares ``12,3 %``;
- dates ``25/11/2026``, date-times ``25/11/2026 14:05``.

Rounding is half-up on the decimal value a reader sees (``2,675`` → ``2,68``), not the
binary float's half-even, and is shared by the display and the exports (:func:`rounded`): a
CSV cell and the page show the same digits.

Precision is chosen once per unit (:data:`DECIMALS_BY_UNIT`): population and head counts are
whole numbers, densities and shares one decimal, rates per year and health indicators two.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

NNBSP = "\u202f"  # narrow no-break space: the thousands separator, everywhere
MINUS = "\u2212"  # typographic minus, for signed changes (+12 / −5)
MISSING = "—"

# Decimals that mean something, per unit of a published figure (diagnosis indicators, key
# figures). A unit not listed gets DEFAULT_DECIMALS.
DECIMALS_BY_UNIT: dict[str, int] = {
    "habitants": 0,
    "professionnels": 0,
    "communes": 0,
    "nombre": 0,
    "km²": 1,
    "hab./km²": 1,
    "%": 1,
    "pour 100 000 hab.": 1,
    "pour 100 000 habitants": 1,
    "% par an": 2,
    "consultations/an/hab.": 2,  # APL: 2,49 and 2,50 sit on both sides of a zoning threshold
    "€": 2,
    "km": 1,
    "minutes": 0,
}
DEFAULT_DECIMALS = 2


def decimals_for_unit(unit: str | None) -> int:
    """Number of decimals shown and exported for a figure in ``unit``."""
    return DECIMALS_BY_UNIT.get((unit or "").strip(), DEFAULT_DECIMALS)


def is_number(value: Any) -> bool:
    """A finite int, float or Decimal (booleans are not numbers here)."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return False
    if isinstance(value, Decimal):
        return value.is_finite()
    return not (isinstance(value, float) and not math.isfinite(value))


def _decimal(value: int | float | Decimal) -> Decimal:
    # repr of a float is its shortest exact-looking decimal: 0.1 stays 0.1, not 0.1000…0055.
    return value if isinstance(value, Decimal) else Decimal(repr(value))


def rounded(value: int | float | Decimal, decimals: int) -> int | float | Decimal:
    """``value`` rounded half-up to ``decimals``; the type is kept (int when ``decimals`` is 0
    and the value is not a Decimal), so spreadsheets still receive a number."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    quantum = Decimal(1).scaleb(-decimals)
    try:
        exact = _decimal(value).quantize(quantum, rounding=ROUND_HALF_UP)
    except InvalidOperation:  # beyond Decimal's precision: far past any meaningful figure
        return value
    if isinstance(value, Decimal):
        return exact
    return int(exact) if decimals == 0 else float(exact)


def _parse(text: str) -> Decimal | None:
    """A number written with a point (``"1234.56"``, as a model field may still hold it)."""
    try:
        parsed = Decimal(text.strip())
    except InvalidOperation:
        return None
    return parsed if parsed.is_finite() else None


def _numeric(value: Any) -> bool:
    return is_number(value) or (isinstance(value, str) and _parse(value) is not None)


def _group(digits: str) -> str:
    groups = []
    while digits:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    return NNBSP.join(groups) or "0"


def number(
    value: int | float | Decimal | None,
    decimals: int | None = None,
    *,
    signed: bool = False,
    missing: str = MISSING,
) -> str:
    """``1 234,56``. ``decimals=None`` keeps the significant decimals (``0,5``, ``12``);
    ``signed`` writes a change with its sign (``+1 234``, ``−56``)."""
    if isinstance(value, str):
        parsed = _parse(value)
        if parsed is None:
            return value or missing  # a marker such as « secret statistique »
        value = parsed
    if value is None:
        return missing
    if not is_number(value):
        # A value object the caller passes through (a protected figure, a marker): its text.
        return str(value) if not isinstance(value, bool | float) else missing
    exact = _decimal(value)
    if decimals is not None:
        exact = exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
        text = f"{abs(exact):f}"
    else:
        text = f"{abs(exact).normalize():f}"
    units, _, fraction = text.partition(".")
    body = _group(units) + ("," + fraction if fraction else "")
    if exact == 0:
        return body
    if exact < 0:
        return (MINUS if signed else "-") + body
    return ("+" if signed else "") + body


def money(value: int | float | Decimal | None, *, missing: str = MISSING) -> str:
    """``12 345,67 €`` (always two decimals); a marker or a missing value reads as text."""
    text = number(value, 2, missing=missing)
    return f"{text} €" if _numeric(value) else text


def percent(value: int | float | Decimal | None, decimals: int = 1, *, ratio: bool = False) -> str:
    """``12,3 %``. ``value`` is in percent points, or a ratio (0.123) with ``ratio=True``."""
    if not _numeric(value):
        return number(value)
    value = _parse(value) if isinstance(value, str) else value
    return f"{number(value * 100 if ratio else value, decimals)} %"


def as_date(value: Any) -> dt.date | None:
    """A date from a date, a datetime (its calendar day) or an ISO string; else None."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and value:
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def date(value: Any, *, missing: str = MISSING) -> str:
    """``25/11/2026`` from a date, a datetime or an ISO string (other text is returned as is)."""
    day = as_date(value)
    if day is None:
        return missing if value in (None, "") else str(value)
    return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"


def datetime(value: dt.datetime | None, *, seconds: bool = False, missing: str = MISSING) -> str:
    """``25/11/2026 14:05`` (``14:05:09`` with ``seconds``); the caller converts an aware
    value to local time first."""
    if value is None:
        return missing
    text = f"{date(value)} {value.hour:02d}:{value.minute:02d}"
    return text + f":{value.second:02d}" if seconds else text


def code_label(code: str, labels: dict[str, str] | None = None) -> str:
    """The French label of a code: ``labels`` first, then the shared vocabulary (professions,
    zones, aids); an unknown snake_case code reads as words (``acces_aux_soins`` → « acces aux
    soins ») rather than as an identifier."""
    from maillage.engine import vocabulary

    for table in (labels or {}, vocabulary.PROFESSION_LABELS, vocabulary.ZONE_LABELS):
        if code in table:
            return table[code]
    if code in vocabulary.AID_LABELS:
        return vocabulary.AID_LABELS[code]
    return code.replace("_", " ") if "_" in code and " " not in code else code


def readable(value: Any, unit: str | None = None, labels: dict[str, str] | None = None) -> str:
    """A parameter or option value as text for people: numbers in French (with ``unit``),
    lists as « a, b », mappings as « clé : valeur ; … », codes as labels, booleans as oui/non —
    never a Python ``[…]`` or ``{…}``."""
    if value is None or value == "":
        return MISSING
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, str):
        if len(value) == 10 and as_date(value) is not None:
            return date(value)  # an ISO date of a parameter file
        parsed = _parse(value)
        if parsed is None:
            return code_label(value, labels)
        value = parsed
    if is_number(value):
        text = money(value) if unit in ("€", "euros") else number(value)
        return text if unit in (None, "", "€", "euros") else f"{text} {unit}"
    if isinstance(value, dt.date):
        return date(value)
    if isinstance(value, dict):
        return " ; ".join(
            f"{code_label(str(k), labels)} : {readable(v, unit, labels)}" for k, v in value.items()
        )
    if isinstance(value, list | tuple | set | frozenset):
        return ", ".join(readable(v, unit, labels) for v in value) or MISSING
    return str(value)
