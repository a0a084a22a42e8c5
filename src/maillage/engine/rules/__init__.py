"""Dated legal parameters (YAML, OpenFisca-like) and the ACI / MSP / installation-aid engines.

Pure Python: never imports Django. See docs/regles.md.

The names below are imported from their module on first use: reading one parameter (every
accessibility command does) does not load the ACI, MSP and aid engines.
"""

from __future__ import annotations

import importlib
from typing import Any

# Public name → module of the package that defines it.
_EXPORTS = {
    "Project": "aids",
    "simulate_aids": "aids",
    "achievement_rate": "cpts",
    "cpts_fonctionnement": "cpts",
    "cpts_schedule": "cpts",
    "cpts_size": "cpts",
    "NoValueAtDate": "loader",
    "ParameterFileError": "loader",
    "ParameterNotFound": "loader",
    "ParameterSet": "loader",
    "ParameterValue": "loader",
    "list_parameters": "loader",
    "load_parameters": "loader",
    "msp_remuneration": "msp",
    "compute_contract": "report",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])
