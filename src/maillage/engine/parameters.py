"""The dated parameters of maillage, read from the single registry (``engine/rules/parameters``).

One registry, one vocabulary: laws, conventions and the accessibility method alike are YAML
files read by :mod:`maillage.engine.rules.loader`; a value is ``verifie`` or ``non_verifie``;
every error is a :class:`ParameterError` (French message). This module is the short way to read
the package's tree at a date::

    from maillage.engine import parameters

    parameters.value("apl.decay.steps", on)        # the value (a copy: free to modify)
    parameters.get("apl.decay.steps", on).verifie  # the value with its reference and status

Engines that must be testable on another tree take a
:class:`~maillage.engine.rules.values.ParameterSet` instead (``load_parameters(directory)``).
"""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

from maillage.engine.rules.loader import PARAMETERS_DIR, load_parameters
from maillage.engine.rules.values import (
    NoValueAtDate,
    ParameterError,
    ParameterFileError,
    ParameterNotFound,
    ParameterSet,
    ParameterValue,
)

__all__ = [
    "PARAMETERS_DIR",
    "NoValueAtDate",
    "ParameterError",
    "ParameterFileError",
    "ParameterNotFound",
    "ParameterSet",
    "ParameterValue",
    "get",
    "load_parameters",
    "value",
]


def get(name: str, on: dt.date | None = None, key: Any = None) -> ParameterValue:
    """Value of parameter ``name`` in force on ``on`` (today when ``None``), with its period,
    reference and status; ``key`` selects one key of a mapping value."""
    return load_parameters().get(name, on or dt.date.today(), key)


def value(name: str, on: dt.date | None = None, key: Any = None) -> Any:
    """Shortcut for ``get(name, on, key).value``, as a copy: the registry is cached and shared,
    so a caller changing a list or a mapping must not change it for everyone."""
    return copy.deepcopy(get(name, on, key).value)
