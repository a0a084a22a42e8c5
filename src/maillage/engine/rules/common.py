"""Shared helpers of the rules engines: money rounding, contract dates, parameter trail,
explanations.

Conventions (documented in ``docs/regles.md``):

- Amounts are :class:`~decimal.Decimal`; every payment line is computed exactly and rounded to
  the cent, half-up, once, at the end of the line. Balances are differences of rounded lines, so
  a schedule always adds up to the rounded yearly amounts.
- Anniversaries of a contract signed on 29 February fall on 28 February in common years (same
  rule for a date + n months: the day is clamped to the end of the month).
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from maillage.engine import formatting

from .loader import ParameterSet, ParameterValue, load_parameters

CENT = Decimal("0.01")


def dec(value: Any) -> Decimal:
    """Exact Decimal from an int, a float (through its shortest repr) or a string."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        raise TypeError("booléen reçu là où un nombre est attendu")
    return Decimal(str(value))


def round_cents(value: Decimal) -> Decimal:
    """Round to the cent, half-up (0.005 → 0.01)."""
    return dec(value).quantize(CENT, rounding=ROUND_HALF_UP)


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` + ``months``, the day clamped to the end of the target month."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def add_years(day: dt.date, years: int) -> dt.date:
    """Anniversary ``years`` after ``day`` (29 February → 28 February in common years)."""
    return add_months(day, 12 * years)


# Amounts in the rules' explanations are written by the one French formatting layer.
format_money = formatting.money


def money_json(value: Decimal | None) -> float | None:
    """Amount for JSON output (a number with at most 2 decimals)."""
    return None if value is None else float(round_cents(value))


@dataclass
class ParameterTrail:
    """Records every parameter value an engine used, so each result can cite its sources."""

    params: ParameterSet = field(default_factory=load_parameters)
    used: list[ParameterValue] = field(default_factory=list)

    def get(self, name: str, at: dt.date, key: Any = None) -> ParameterValue:
        value = self.params.get(name, at, key)
        marker = (value.name, str(value.key), value.start)
        if all((u.name, str(u.key), u.start) != marker for u in self.used):
            self.used.append(value)
        return value

    def value(self, name: str, at: dt.date, key: Any = None) -> Any:
        return self.get(name, at, key).value

    @property
    def all_verified(self) -> bool:
        return all(u.verifie for u in self.used)

    def to_list(self) -> list[dict[str, Any]]:
        return [u.to_dict() for u in self.used]


@dataclass(frozen=True)
class Explanation:
    """Which rule gave an amount and why: what a statement says to a user asking « why this
    amount? » (French text)."""

    subject: str  # what is explained, e.g. « Fonctionnement »
    rule: str  # the rule applied
    reason: str  # why this rule applies, and not another
    years: tuple[int, ...] = ()  # contract years concerned; empty: the whole contract

    def to_dict(self) -> dict[str, Any]:
        return {
            "objet": self.subject,
            "regle": self.rule,
            "raison": self.reason,
            "annees_contrat": list(self.years),
        }
