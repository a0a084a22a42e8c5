"""The project indicator CSV: ``indicateur;code_insee;annee;numerateur;denominateur``, one value
per commune and year (numbers with a decimal comma or point).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import SourceError
from ..textinput import SPREADSHEET, csv_records, open_lines
from .common import COMMUNE_CODE, _header, number_value

# --------------------------------------------------------------------------- project CSV


@dataclass(frozen=True, slots=True)
class IndicatorValue:
    """One indicator value of a commune for a year; ``denominateur`` is ``None`` for counts."""

    indicateur: str
    code_insee: str
    annee: int
    numerateur: float
    denominateur: float | None
    line: int = field(default=0, compare=False)


INDICATOR_COLUMNS = ("indicateur", "code_insee", "annee", "numerateur", "denominateur")


def iter_indicator_values(path: str | Path) -> Iterator[IndicatorValue]:
    """Yield the values of an indicator CSV, checking each line.

    The numerator may exceed the denominator (rates per 100 000 inhabitants, for example);
    only signs are checked: numerator ≥ 0, denominator > 0 when given.

    Raises
    ------
    SourceError
        Missing column, wrong number of fields, empty indicator, malformed INSEE code or year,
        a number that does not parse, a negative numerator, a denominator ≤ 0, or the same
        ``(indicateur, code_insee, annee)`` twice (naming both lines). Every error names
        its line and column: the import is atomic.
    """
    path = Path(path)
    seen: dict[tuple[str, str, int], int] = {}
    with open_lines(path, SPREADSHEET) as lines:
        separator, index = _header(lines, INDICATOR_COLUMNS, ";,\t")
        width = len(index)
        for number, raw_fields in csv_records(lines, separator):
            fields = [value.strip() for value in raw_fields]
            if len(fields) != width:
                raise SourceError(
                    path,
                    "nombre de champs incorrect",
                    line=number,
                    expected=f"{width} champs",
                    found=separator.join(fields),
                )
            get = {name: fields[index[name]] for name in INDICATOR_COLUMNS}
            if not get["indicateur"]:
                raise SourceError(path, "valeur obligatoire vide", line=number, column="indicateur")
            code = get["code_insee"].upper()
            if not COMMUNE_CODE.match(code):
                raise SourceError(
                    path,
                    "code INSEE de commune invalide",
                    line=number,
                    column="code_insee",
                    expected="5 caractères",
                    found=code,
                )
            if not re.fullmatch(r"\d{4}", get["annee"]):
                raise SourceError(
                    path,
                    "année invalide",
                    line=number,
                    column="annee",
                    expected="AAAA",
                    found=get["annee"],
                )
            year = int(get["annee"])
            numerator = number_value(path, number, "numerateur", get["numerateur"])
            if numerator < 0:
                raise SourceError(
                    path,
                    "numérateur négatif",
                    line=number,
                    column="numerateur",
                    expected="≥ 0",
                    found=get["numerateur"],
                )
            denominator = None
            if get["denominateur"]:
                denominator = number_value(path, number, "denominateur", get["denominateur"])
                if denominator <= 0:
                    raise SourceError(
                        path,
                        "dénominateur nul ou négatif",
                        line=number,
                        column="denominateur",
                        expected="> 0",
                        found=get["denominateur"],
                    )
            key = (get["indicateur"], code, year)
            if key in seen:
                raise SourceError(
                    path,
                    f"valeur en double (déjà donnée ligne {seen[key]})",
                    line=number,
                    column="code_insee",
                    found=f"{key[0]} / {code} / {year}",
                )
            seen[key] = number
            yield IndicatorValue(key[0], code, year, numerator, denominator, number)
        if not seen:
            raise lines.no_data(";".join(INDICATOR_COLUMNS))
