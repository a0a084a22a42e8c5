"""Dated parameters once loaded: values keyed by start date, their references and statuses.

The single vocabulary of maillage's parameters: a value is ``verifie`` or ``non_verifie``
(with the documentation's source tag), every error is a :class:`ParameterError` whose message
is in French. The YAML parsing lives in :mod:`.loader`; the default tree is read through
:mod:`maillage.engine.parameters`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

STATUSES = ("verifie", "non_verifie")


class ParameterError(Exception):
    """Any problem with a dated parameter (message in French)."""


class ParameterFileError(ParameterError, ValueError):
    """A parameter file does not follow the format (message in French, names file, line when
    known, and key)."""

    def __init__(
        self, path: Path | str, message: str, key: str | None = None, line: int | None = None
    ) -> None:
        self.path = str(path)
        self.key = key
        self.line = line
        self.detail = message
        where = self.path
        if line is not None:
            where += f", ligne {line}"
        if key:
            where += f", clé « {key} »"
        super().__init__(f"{where} : {message}")


class ParameterNotFound(ParameterError, KeyError):
    """No parameter with this name."""

    def __str__(self) -> str:
        return f"paramètre inconnu : {self.args[0]}"


class NoValueAtDate(ParameterError, LookupError):
    """The parameter exists but has no value at the requested date (before its first value,
    after a ``null`` end, or for a key the value does not hold)."""


@dataclass(frozen=True)
class Reference:
    titre: str
    url: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"titre": self.titre, "url": self.url}


@dataclass(frozen=True)
class DatedValue:
    start: dt.date
    value: Any
    reference: Reference
    statut: str | Mapping[Any, str]
    source_tag: str | Mapping[Any, str]
    note: str | None = None


@dataclass(frozen=True)
class ParameterValue:
    """The value of a parameter at a date, with everything a user needs to trust it."""

    name: str
    at: dt.date
    value: Any
    start: dt.date
    end: dt.date | None  # exclusive: the start of the next dated value, if any
    reference: Reference
    statut: str
    source_tag: str
    unite: str
    description: str
    key: Any = None
    note: str | None = None
    # When someone last checked the parameter against its source (None: never recorded).
    last_value_still_valid_on: dt.date | None = None
    # Per-key status and tag, for mapping values whose keys do not share one status.
    statut_by_key: Mapping[Any, str] | None = field(default=None, repr=False, compare=False)
    tag_by_key: Mapping[Any, str] | None = field(default=None, repr=False, compare=False)

    @property
    def verifie(self) -> bool:
        return self.statut == "verifie"

    def __getitem__(self, key: Any) -> ParameterValue:
        """The value for one key of a mapping value (e.g. a CPTS size), with its own status."""
        return _select_key(self, key)

    def to_dict(self) -> dict[str, Any]:
        return {
            "nom": self.name,
            "cle": jsonable_key(self.key),
            "valeur": jsonable(self.value),
            "unite": self.unite,
            "date": self.at.isoformat(),
            "en_vigueur_depuis": self.start.isoformat(),
            "en_vigueur_jusqua": self.end.isoformat() if self.end else None,
            "reference": self.reference.to_dict(),
            "statut": self.statut,
            "source_tag": self.source_tag,
            "description": self.description,
            "note": self.note,
        }


@dataclass(frozen=True)
class Parameter:
    name: str
    path: Path
    description: str
    unite: str
    last_value_still_valid_on: dt.date | None  # None: nobody recorded a check
    values: tuple[DatedValue, ...]  # sorted by start
    note: str | None = None

    def dated_value_at(self, at: dt.date) -> tuple[DatedValue, dt.date | None]:
        current: DatedValue | None = None
        end: dt.date | None = None
        for i, dated in enumerate(self.values):
            if dated.start <= at:
                current = dated
                end = self.values[i + 1].start if i + 1 < len(self.values) else None
        if current is None:
            raise NoValueAtDate(
                f"paramètre {self.name} : aucune valeur avant le {self.values[0].start:%d/%m/%Y}"
                f" (date demandée : {at:%d/%m/%Y})"
            )
        if current.value is None:
            raise NoValueAtDate(
                f"paramètre {self.name} : plus de valeur depuis le {current.start:%d/%m/%Y}"
                f" (date demandée : {at:%d/%m/%Y})"
            )
        return current, end

    def at(self, at: dt.date) -> ParameterValue:
        dated, end = self.dated_value_at(at)
        statut = dated.statut if isinstance(dated.statut, str) else _worst(dated.statut.values())
        tag = dated.source_tag
        if not isinstance(tag, str):
            tag = "/".join(sorted(set(tag.values())))
        return ParameterValue(
            name=self.name,
            at=at,
            value=dated.value,
            start=dated.start,
            end=end,
            reference=dated.reference,
            statut=statut,
            source_tag=tag,
            unite=self.unite,
            description=self.description,
            note=dated.note,
            last_value_still_valid_on=self.last_value_still_valid_on,
            statut_by_key=None if isinstance(dated.statut, str) else dated.statut,
            tag_by_key=None if isinstance(dated.source_tag, str) else dated.source_tag,
        )

    def history(self) -> list[dict[str, Any]]:
        rows = []
        for i, dated in enumerate(self.values):
            end = self.values[i + 1].start if i + 1 < len(self.values) else None
            rows.append(
                {
                    "debut": dated.start.isoformat(),
                    "fin": end.isoformat() if end else None,
                    "valeur": jsonable(dated.value),
                    "reference": dated.reference.to_dict(),
                    "statut": jsonable(dated.statut),
                    "source_tag": jsonable(dated.source_tag),
                    "note": dated.note,
                }
            )
        return rows


@dataclass
class ParameterSet:
    """All parameters of a tree, by dotted name."""

    parameters: dict[str, Parameter] = field(default_factory=dict)
    root: Path | None = None  # the directory the tree was read from

    def __contains__(self, name: str) -> bool:
        return name in self.parameters

    def __iter__(self) -> Iterator[Parameter]:
        return iter(self.parameters[name] for name in sorted(self.parameters))

    def __len__(self) -> int:
        return len(self.parameters)

    def parameter(self, name: str) -> Parameter:
        try:
            return self.parameters[name]
        except KeyError:
            raise ParameterNotFound(name) from None

    def get(self, name: str, at: dt.date, key: Any = None) -> ParameterValue:
        """Value of ``name`` at date ``at`` (and, for a mapping value, of ``key``)."""
        value = self.parameter(name).at(at)
        return value if key is None else _select_key(value, key)

    def listing(self) -> list[dict[str, Any]]:
        """Every parameter with its full history, for the public "paramètres" page."""
        return [
            {
                "nom": p.name,
                "description": p.description,
                "unite": p.unite,
                "derniere_verification": (
                    p.last_value_still_valid_on.isoformat() if p.last_value_still_valid_on else None
                ),
                "fichier": self._file(p.path),
                "note": p.note,
                "historique": p.history(),
            }
            for p in self
        ]

    def _file(self, path: Path) -> str:
        if self.root is not None and path.is_relative_to(self.root):
            return str(path.relative_to(self.root))
        return str(path)


def _worst(statuses: Any) -> str:
    return "verifie" if all(s == "verifie" for s in statuses) else "non_verifie"


def _normalize_key(key: Any) -> Any:
    """Mapping keys are compared as strings ("3", "3.5", "acces_aux_soins")."""
    if isinstance(key, float) and key.is_integer():
        key = int(key)
    return str(key)


def _select_key(value: ParameterValue, key: Any) -> ParameterValue:
    if not isinstance(value.value, Mapping):
        raise NoValueAtDate(f"paramètre {value.name} : valeur non indexée, clé {key!r} impossible")
    wanted = _normalize_key(key)
    by_key = {_normalize_key(k): k for k in value.value}
    if wanted not in by_key:
        raise NoValueAtDate(
            f"paramètre {value.name} : pas de valeur pour la clé « {key} » au {value.at:%d/%m/%Y}"
        )
    raw_key = by_key[wanted]
    statut, tag = value.statut, value.source_tag
    if value.statut_by_key is not None:
        by = {_normalize_key(k): v for k, v in value.statut_by_key.items()}
        statut = by.get(wanted, "non_verifie")
    if value.tag_by_key is not None:
        by = {_normalize_key(k): v for k, v in value.tag_by_key.items()}
        tag = by.get(wanted, "U")
    return ParameterValue(
        name=value.name,
        at=value.at,
        value=value.value[raw_key],
        start=value.start,
        end=value.end,
        reference=value.reference,
        statut=statut,
        source_tag=tag,
        unite=value.unite,
        description=value.description,
        key=raw_key,
        note=value.note,
        last_value_still_valid_on=value.last_value_still_valid_on,
    )


def jsonable(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {jsonable_key(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def jsonable_key(key: Any) -> Any:
    return None if key is None else str(key)
