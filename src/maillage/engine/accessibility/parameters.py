"""Dated method parameters of the accessibility engine, read from ``parameters.yaml``.

Small and self-contained on purpose: a value holds from its ``start`` date until the next
value's start date; every value carries a reference and a verification status. The loader is
strict (unknown keys, malformed dates or statuses are errors naming the file), so a typo in the
YAML file cannot silently change a result.
"""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

DEFAULT_PATH = Path(__file__).with_name("parameters.yaml")
STATUSES = ("verified", "unverified")
_PARAMETER_KEYS = {"description", "unit", "values"}
_VALUE_KEYS = {"start", "value", "status", "reference", "note"}
_REFERENCE_KEYS = {"title", "url"}


class ParameterError(ValueError):
    """Malformed parameter file or unknown parameter / date (message in French)."""


@dataclass(frozen=True)
class DatedValue:
    """One value of a parameter, valid from ``start`` until the next value's start."""

    start: dt.date
    value: Any
    status: str
    reference_title: str
    reference_url: str | None
    note: str | None = None

    @property
    def verified(self) -> bool:
        return self.status == "verified"


@dataclass(frozen=True)
class Parameter:
    """A named method parameter and its dated values, sorted by start date."""

    name: str
    description: str
    unit: str
    values: tuple[DatedValue, ...]

    def at(self, on: dt.date | None = None) -> DatedValue:
        """Value in force on ``on`` (today when ``None``)."""
        on = on or dt.date.today()
        current = None
        for value in self.values:
            if value.start <= on:
                current = value
        if current is None:
            raise ParameterError(
                f"paramètre « {self.name} » : aucune valeur en vigueur le {on.isoformat()} "
                f"(première valeur au {self.values[0].start.isoformat()})"
            )
        return current


def _convert(value: Any) -> Any:
    """Turn fraction strings ("2/3") into floats, recursively."""
    if isinstance(value, dict):
        return {k: _convert(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_convert(v) for v in value]
    if isinstance(value, str) and "/" in value:
        return float(Fraction(value))
    return value


def _parse(path: Path, raw: Any) -> dict[str, Parameter]:
    if not isinstance(raw, dict):
        raise ParameterError(f"{path} : le fichier doit contenir un dictionnaire de paramètres")
    parameters = {}
    for name, body in raw.items():
        where = f"{path}, paramètre « {name} »"
        if not isinstance(body, dict):
            raise ParameterError(f"{where} : un dictionnaire est attendu")
        unknown = set(body) - _PARAMETER_KEYS
        missing = _PARAMETER_KEYS - set(body)
        if unknown or missing:
            raise ParameterError(
                f"{where} : clés inconnues {sorted(unknown)} / manquantes {sorted(missing)}"
            )
        values = []
        for k, item in enumerate(body["values"] or []):
            here = f"{where}, valeur n° {k + 1}"
            if not isinstance(item, dict):
                raise ParameterError(f"{here} : un dictionnaire est attendu")
            unknown = set(item) - _VALUE_KEYS
            missing = {"start", "value", "status", "reference"} - set(item)
            if unknown or missing:
                raise ParameterError(
                    f"{here} : clés inconnues {sorted(unknown)} / manquantes {sorted(missing)}"
                )
            if not isinstance(item["start"], dt.date) or isinstance(item["start"], dt.datetime):
                raise ParameterError(f"{here} : date de début invalide « {item['start']} »")
            if item["status"] not in STATUSES:
                raise ParameterError(
                    f"{here} : statut « {item['status']} » invalide (attendu : verified "
                    "ou unverified)"
                )
            reference = item["reference"]
            if not isinstance(reference, dict) or set(reference) - _REFERENCE_KEYS:
                raise ParameterError(f"{here} : référence attendue sous la forme title / url")
            if not reference.get("title"):
                raise ParameterError(f"{here} : la référence doit avoir un titre")
            try:
                value = _convert(item["value"])
            except (ValueError, ZeroDivisionError) as exc:
                raise ParameterError(f"{here} : valeur invalide ({exc})") from exc
            values.append(
                DatedValue(
                    start=item["start"],
                    value=value,
                    status=item["status"],
                    reference_title=" ".join(str(reference["title"]).split()),
                    reference_url=reference.get("url"),
                    note=item.get("note"),
                )
            )
        if not values:
            raise ParameterError(f"{where} : aucune valeur")
        starts = [v.start for v in values]
        if starts != sorted(starts) or len(set(starts)) != len(starts):
            raise ParameterError(f"{where} : les dates de début doivent être croissantes")
        parameters[name] = Parameter(
            name=name,
            description=" ".join(str(body["description"]).split()),
            unit=str(body["unit"]),
            values=tuple(values),
        )
    return parameters


def load_parameters(path: str | Path | None = None) -> dict[str, Parameter]:
    """Read and validate a parameter file (the package's ``parameters.yaml`` by default).

    Raises
    ------
    ParameterError
        On any malformed entry, with the file and the parameter named.
    """
    if path is None:
        return dict(_load_default())
    return _read(Path(path))


def _read(path: Path) -> dict[str, Parameter]:
    try:
        with path.open(encoding="utf-8") as handle:
            raw = yaml.safe_load(handle)
    except (yaml.YAMLError, ValueError) as exc:
        # PyYAML raises a bare ValueError on impossible dates such as 2020-13-01.
        raise ParameterError(f"{path} : YAML invalide ou date impossible ({exc})") from exc
    return _parse(path, raw)


@lru_cache(maxsize=1)
def _load_default() -> dict[str, Parameter]:
    return _read(DEFAULT_PATH)


def parameter(name: str, on: dt.date | None = None) -> DatedValue:
    """Dated value of parameter ``name`` in force on ``on`` (today when ``None``)."""
    parameters = _load_default()
    if name not in parameters:
        raise ParameterError(f"paramètre inconnu « {name} » (fichier {DEFAULT_PATH})")
    return parameters[name].at(on)


def value(name: str, on: dt.date | None = None) -> Any:
    """Shortcut for ``parameter(name, on).value`` (a copy: callers may modify it)."""
    return copy.deepcopy(parameter(name, on).value)
