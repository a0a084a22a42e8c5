"""Dated method parameters of the accessibility engine: a thin view over the single registry.

Every dated parameter of maillage lives in one tree, ``engine/rules/parameters/`` (one YAML
file per parameter, see ``docs/regles.md``); the accessibility method owns the ``apl``,
``traveltime`` and ``zoning`` branches (:data:`METHOD_ROOTS`). This module keeps the API the
accessibility engine was written against — ``parameter(name, on)`` with ``.status`` /
``.verified`` / ``.reference_title``…, ``value(name, on)``, ``load_parameters()`` — and reads
everything through :mod:`maillage.engine.rules.loader`, which stays the only parser (strict:
unknown keys, malformed dates or statuses are errors naming the file).
"""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from maillage.engine.rules import loader as registry

# Branches of the registry tree that hold the accessibility method's parameters: what
# ``load_parameters()`` lists and ``maillage access parametres`` shows.
METHOD_ROOTS = ("apl", "traveltime", "zoning")
# Former vocabulary of this module, kept for callers: registry ``verifie`` is ``verified``.
STATUSES = ("verified", "unverified")
_STATUS_OF = {"verifie": "verified", "non_verifie": "unverified"}


class ParameterError(ValueError):
    """Malformed parameter file or unknown parameter / date (message in French)."""


@dataclass(frozen=True)
class DatedValue:
    """One value of a parameter, valid from ``start`` until the next value's start."""

    start: dt.date
    value: Any
    status: str  # "verified" | "unverified" (registry statut verifie | non_verifie)
    reference_title: str
    reference_url: str | None
    note: str | None = None
    source_tag: str = "U"

    @property
    def verified(self) -> bool:
        return self.status == "verified"

    @property
    def statut(self) -> str:
        """Status in the registry's vocabulary (``verifie`` / ``non_verifie``)."""
        return "verifie" if self.verified else "non_verifie"


@dataclass(frozen=True)
class Parameter:
    """A named method parameter and its dated values, sorted by start date.

    ``values`` holds only real values: a registry ``value: null`` (end of validity) is not a
    value, it ends the previous one (``at`` then raises :class:`ParameterError`).
    """

    name: str
    description: str
    unit: str
    values: tuple[DatedValue, ...]
    source: registry.Parameter

    def at(self, on: dt.date | None = None) -> DatedValue:
        """Value in force on ``on`` (today when ``None``)."""
        on = on or dt.date.today()
        try:
            dated, _ = self.source.dated_value_at(on)
        except registry.NoValueAtDate as exc:
            raise ParameterError(str(exc)) from None
        return next(v for v in self.values if v.start == dated.start)


def _adapt(source: registry.Parameter) -> Parameter:
    values = []
    for dated in source.values:
        if dated.value is None:
            continue
        # ``at`` resolves per-key statuses and tags into one (the worst status).
        current = source.at(dated.start)
        values.append(
            DatedValue(
                start=dated.start,
                value=dated.value,
                status=_STATUS_OF[current.statut],
                reference_title=dated.reference.titre,
                reference_url=dated.reference.url,
                note=dated.note,
                source_tag=current.source_tag,
            )
        )
    return Parameter(
        name=source.name,
        description=source.description,
        unit=source.unite,
        values=tuple(values),
        source=source,
    )


def _is_method(name: str) -> bool:
    return name.split(".", 1)[0] in METHOD_ROOTS


def load_parameters(directory: str | Path | None = None) -> dict[str, Parameter]:
    """Method parameters (branches :data:`METHOD_ROOTS`) of the registry tree, by name.

    ``directory`` is the root of a registry tree (default: the package's
    ``engine/rules/parameters``).

    Raises
    ------
    ParameterError
        On any malformed file, with the file and the key named.
    """
    if directory is None:
        return dict(_load_default())
    return _read(Path(directory))


def _read(directory: Path | None) -> dict[str, Parameter]:
    try:
        tree = registry.load_parameters(directory)
    except registry.ParameterFileError as exc:
        raise ParameterError(str(exc)) from exc
    return {p.name: _adapt(p) for p in tree if _is_method(p.name)}


@lru_cache(maxsize=1)
def _load_default() -> dict[str, Parameter]:
    return _read(None)


def parameter(name: str, on: dt.date | None = None) -> DatedValue:
    """Dated value of parameter ``name`` in force on ``on`` (today when ``None``)."""
    parameters = _load_default()
    if name not in parameters:
        raise ParameterError(
            f"paramètre inconnu « {name} » (branches {', '.join(METHOD_ROOTS)} de "
            f"{registry.PARAMETERS_DIR})"
        )
    return parameters[name].at(on)


def value(name: str, on: dt.date | None = None) -> Any:
    """Shortcut for ``parameter(name, on).value`` (a copy: callers may modify it)."""
    return copy.deepcopy(parameter(name, on).value)
