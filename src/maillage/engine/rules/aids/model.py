"""What the aid functions take and give: the project, the rules at a date, an aid or a refusal.

Every aid is one function ``aid(zone, project, rules) -> Aid | Refusal`` (modules
:mod:`.doctors_2016`, :mod:`.doctors_2024`, :mod:`.state`, :mod:`.paramedical`): the simulator
(:mod:`.simulator`) and the contracts recorded by the CPAM (``web/outreach/contracts.py``) call
the same functions, so an amount is computed in one place only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ..common import money_json
from ..loader import load_parameters
from ..values import NoValueAtDate, ParameterSet, ParameterValue


@dataclass(frozen=True)
class Project:
    """What the professional plans to do. Fees are yearly amounts in euros."""

    first_installation: bool = False
    installation: bool = True  # sets up (creation, take-over or joining) in the zone
    days_per_week: float | None = None
    secondary_practice: bool = False  # a secondary practice (cabinet secondaire) in the zone
    group_practice: bool = False
    joins_existing_practice: bool = False
    age: int | None = None
    hosts_student: bool = False
    student_months: int | None = None  # months hosting a full-time student (default 12)
    hosts_newcomer: bool = False  # a doctor of 60 or more hosting a newly installed doctor
    hospital_proximity: bool = False  # activity in a hôpital de proximité
    qpv: bool = False  # quartier prioritaire de la politique de la ville
    zfu_te: bool = False
    fees: Decimal | None = None  # yearly fees (honoraires)
    fees_in_zone: Decimal | None = None  # yearly fees earned in the ZIP (secondary practice)

    def check(self) -> None:
        """Refuse a project that contradicts itself (``ValueError``, message in French)."""
        if self.first_installation and not self.installation:
            raise ValueError(
                "projet contradictoire : une première installation suppose de s'installer, "
                "pas d'être déjà installé"
            )
        if self.days_per_week is not None and not 0 < self.days_per_week <= 7:
            raise ValueError("jours par semaine : nombre entre 0 et 7 attendu")


@dataclass(frozen=True)
class Instalment:
    """One payment of an aid, ``months`` after the signature of its contract."""

    label: str
    months: int
    amount: Decimal


@dataclass
class Aid:
    code: str
    label: str
    amount: Decimal | None  # None: depends on data not given (fees…) or not a cash amount
    amount_text: str
    conditions: list[str]
    valid_from: dt.date
    valid_until: dt.date | None  # last day new contracts can be signed, if known
    used: list[ParameterValue]
    payments: list[Instalment] = field(default_factory=list)
    not_cumulable_with: list[str] = field(default_factory=list)
    kind: str = "aide"  # aide | majoration | fiscal
    years: int | None = None  # length of the commitment or of the payments, when the rules fix it
    yearly: bool = False  # ``amount`` is paid each year of the contract

    @property
    def statut(self) -> str:
        return "verifie" if all(u.verifie for u in self.used) else "non_verifie"

    @property
    def reference(self) -> dict[str, Any]:
        return self.used[0].reference.to_dict()

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "libelle": self.label,
            "nature": self.kind,
            "montant": money_json(self.amount),
            "montant_texte": self.amount_text,
            "versements": [
                {"echeance": p.label, "montant": money_json(p.amount)} for p in self.payments
            ],
            "conditions": self.conditions,
            "valide_du": self.valid_from.isoformat(),
            "valide_jusquau": self.valid_until.isoformat() if self.valid_until else None,
            "non_cumulable_avec": self.not_cumulable_with,
            "reference": self.reference,
            "statut": self.statut,
            "parametres": [u.to_dict() for u in self.used],
        }


@dataclass(frozen=True)
class Refusal:
    """Why an aid does not apply. ``in_force`` is false when no rule of the aid is in force at
    the date (before it exists, or after new contracts stopped)."""

    code: str
    reason: str
    in_force: bool = True

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "raison": self.reason}


class AidRules:
    """The dated parameters in force at the date of a simulation or of a contract signature."""

    def __init__(self, at: dt.date, params: ParameterSet | None = None) -> None:
        self.at = at
        self.params = params or load_parameters()

    def get(self, name: str, key: Any = None) -> ParameterValue:
        return self.params.get(name, self.at, key)

    def maybe(self, name: str, key: Any = None) -> ParameterValue | None:
        """The value in force, or ``None`` when the parameter has none at this date."""
        try:
            return self.get(name, key)
        except NoValueAtDate:
            return None


def until(value: ParameterValue) -> dt.date | None:
    """Last day a value holds (the day before the next dated value), if it ends."""
    return value.end - dt.timedelta(days=1) if value.end else None


def not_in_force(code: str, what: str = "plus de nouveau contrat à cette date") -> Refusal:
    return Refusal(code, what, in_force=False)
