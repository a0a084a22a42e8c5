"""ACI CPTS: size, fonctionnement, indicator achievement and the payment schedule of a contract.

Modules: :mod:`.model` (contract, lines, payments), :mod:`.indicators` (achievement rates),
:mod:`.structure` (size, fonctionnement with the avenant n° 2 uplift, start-up aid),
:mod:`.missions` (fixed and variable parts), :mod:`.schedule` (:func:`cpts_schedule`).
Conventions: ``docs/regles.md``.
"""

from .indicators import Indicator, Level, achievement_rate
from .model import (
    COMPONENT_LABELS,
    MISSION_LABELS,
    CptsContract,
    CptsSchedule,
    DueLine,
    Mission,
    Payment,
    contract_years,
    first_year_prorata,
)
from .schedule import cpts_schedule
from .structure import cpts_fonctionnement, cpts_size

__all__ = [
    "COMPONENT_LABELS",
    "MISSION_LABELS",
    "CptsContract",
    "CptsSchedule",
    "DueLine",
    "Indicator",
    "Level",
    "Mission",
    "Payment",
    "achievement_rate",
    "contract_years",
    "cpts_fonctionnement",
    "cpts_schedule",
    "cpts_size",
    "first_year_prorata",
]
