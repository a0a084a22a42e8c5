"""Dated legal parameters (YAML, OpenFisca-like) and the ACI / MSP / installation-aid engines.

Pure Python: never imports Django. See docs/regles.md.
"""

from .aids import Project, simulate_aids
from .cpts import achievement_rate, cpts_fonctionnement, cpts_schedule, cpts_size
from .loader import (
    NoValueAtDate,
    ParameterFileError,
    ParameterNotFound,
    ParameterSet,
    ParameterValue,
    list_parameters,
    load_parameters,
)
from .msp import msp_remuneration
from .report import compute_contract

__all__ = [
    "NoValueAtDate",
    "ParameterFileError",
    "ParameterNotFound",
    "ParameterSet",
    "ParameterValue",
    "Project",
    "achievement_rate",
    "compute_contract",
    "cpts_fonctionnement",
    "cpts_schedule",
    "cpts_size",
    "list_parameters",
    "load_parameters",
    "msp_remuneration",
    "simulate_aids",
]
