"""ACI CPTS: a contract, its lines due and its payments (engine inputs and outputs).

Contract year k (1-based) runs from anniversary k-1 (the signature for k = 1) included to
anniversary k excluded; a contract lasts ``aci.cpts.duree_contrat`` years.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ..common import Explanation, ParameterTrail, add_years
from .indicators import Indicator

MISSION_LABELS = {
    "acces_aux_soins": "Accès aux soins",
    "parcours_pluriprofessionnels": "Parcours pluriprofessionnels",
    "prevention": "Prévention",
    "crises_sanitaires": "Crises sanitaires graves",
    "qualite_pertinence": "Qualité et pertinence des soins",
    "accompagnement_professionnels": "Accompagnement des professionnels de santé",
}

COMPONENT_LABELS = {
    "aide_demarrage": "Aide au démarrage",
    "fonctionnement": "Fonctionnement",
    "part_fixe_avance": "Part fixe : avance",
    "part_fixe_solde": "Part fixe : solde",
    "part_fixe": "Part fixe",
    "part_variable": "Part variable",
}


@dataclass(frozen=True)
class Mission:
    code: str
    start: dt.date | None  # None: not started
    fixed: Decimal  # annual fixed part
    variable: Decimal  # annual variable envelope (100 % achievement)
    indicators: tuple[Indicator, ...] = ()
    deployed: dt.date | None = None


@dataclass(frozen=True)
class CptsContract:
    name: str
    signature: dt.date
    missions: tuple[Mission, ...]
    size: int | None = None
    population: int | None = None
    fonctionnement: Mapping[int, Decimal] | Decimal | None = None  # override, per year or all
    letter_validated: dt.date | None = None  # ARS validation of the lettre d'intention
    dialogue_dates: Mapping[int, dt.date] = field(default_factory=dict)
    member_payments: Mapping[int, Mapping[str, Decimal]] = field(default_factory=dict)


@dataclass(frozen=True)
class DueLine:
    """Amount due for one contract year and one component."""

    year: int
    start: dt.date
    end: dt.date  # exclusive
    component: str
    amount: Decimal | None  # None: pending (indicator results not known yet)
    mission: str | None = None
    detail: str = ""


@dataclass(frozen=True)
class Payment:
    date: dt.date
    year: int  # contract year the payment belongs to (0: before the contract)
    component: str
    amount: Decimal | None
    mission: str | None = None
    detail: str = ""


@dataclass
class CptsSchedule:
    contract: CptsContract
    size: int
    years: list[tuple[int, dt.date, dt.date]]  # (k, start, end exclusive)
    due: list[DueLine]
    payments: list[Payment]
    alerts: list[str]
    member_caps: list[dict[str, Any]]
    trail: ParameterTrail
    explanations: list[Explanation] = field(default_factory=list)


def contract_years(signature: dt.date, duration: int) -> list[tuple[int, dt.date, dt.date]]:
    return [
        (k, add_years(signature, k - 1), add_years(signature, k)) for k in range(1, duration + 1)
    ]


def first_year_prorata(start: dt.date, year_start: dt.date, year_end: dt.date) -> Decimal:
    """Actual days from ``start`` to ``year_end`` / actual days of the contract year."""
    return Decimal((year_end - start).days) / Decimal((year_end - year_start).days)
