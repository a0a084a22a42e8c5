"""Dated legal parameters (OpenFisca-like), loaded from the YAML tree in ``parameters/``.

One YAML file per parameter (or per small node, e.g. one amount per CPTS size). The parameter
name is the file path relative to ``parameters/``, with dots: ``aci/cpts/fonctionnement.yaml``
is ``aci.cpts.fonctionnement``. Values are keyed by start date; a value holds until the next
date, and a ``value: null`` ends it. An exact fraction is written ``!fraction 2/3`` and read
as the nearest float (``2 / 3``). See ``docs/regles.md`` for the format.

The loader is strict: unknown keys, malformed dates, missing reference or status are errors
naming the file and the key (:class:`ParameterFileError`, message in French).
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

PARAMETERS_DIR = Path(__file__).with_name("parameters")

STATUSES = ("verifie", "non_verifie")
SOURCE_TAGS = ("V", "V-2", "S", "U")
# A [V] fact is "verifie"; every other tag is "non_verifie". A [V] fact may be stored as
# non_verifie (never the reverse), e.g. when only part of it is confirmed (explained in `note`).
TAG_ALLOWED_STATUS = {"V": STATUSES, "V-2": ("non_verifie",), "S": ("non_verifie",)}
TAG_ALLOWED_STATUS["U"] = ("non_verifie",)

TOP_KEYS = {"description", "unite", "last_value_still_valid_on", "values", "note"}
REQUIRED_TOP_KEYS = {"description", "unite", "last_value_still_valid_on", "values"}
VALUE_KEYS = {"value", "reference", "statut", "source_tag", "note"}
REQUIRED_VALUE_KEYS = {"value", "reference", "statut", "source_tag"}
REFERENCE_KEYS = {"titre", "url"}
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_FRACTION_RE = re.compile(r"^(-?\d+)/(\d+)$")
FRACTION_TAG = "!fraction"


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that keeps dates as text, so that the loader validates them itself (an
    impossible date like 2022-02-30 becomes an error naming the file and the key)."""


_StrictLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class _FractionText(str):
    """Text of a ``!fraction`` scalar. Turned into a float by the parser rather than by the
    YAML constructor, so that a malformed fraction is an error naming the file and the key."""


def _construct_fraction(loader: yaml.SafeLoader, node: yaml.Node) -> _FractionText:
    if not isinstance(node, yaml.ScalarNode):
        raise yaml.constructor.ConstructorError(
            None, None, f"{FRACTION_TAG} s'applique à un scalaire p/q", node.start_mark
        )
    return _FractionText(loader.construct_scalar(node))


_StrictLoader.add_constructor(FRACTION_TAG, _construct_fraction)


class ParameterFileError(ValueError):
    """A parameter file does not follow the format (message in French, names file and key)."""

    def __init__(self, path: Path | str, message: str, key: str | None = None) -> None:
        self.path = str(path)
        self.key = key
        self.detail = message
        where = self.path + (f", clé « {key} »" if key else "")
        super().__init__(f"{where} : {message}")


class ParameterNotFound(KeyError):
    """No parameter with this name."""

    def __str__(self) -> str:
        return f"paramètre inconnu : {self.args[0]}"


class NoValueAtDate(LookupError):
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
            "cle": _jsonable_key(self.key),
            "valeur": _jsonable(self.value),
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
    last_value_still_valid_on: dt.date
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
                    "valeur": _jsonable(dated.value),
                    "reference": dated.reference.to_dict(),
                    "statut": _jsonable(dated.statut),
                    "source_tag": _jsonable(dated.source_tag),
                    "note": dated.note,
                }
            )
        return rows


@dataclass
class ParameterSet:
    """All parameters of the tree, by dotted name."""

    parameters: dict[str, Parameter] = field(default_factory=dict)

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
                "derniere_verification": p.last_value_still_valid_on.isoformat(),
                "fichier": str(p.path.relative_to(PARAMETERS_DIR))
                if p.path.is_relative_to(PARAMETERS_DIR)
                else str(p.path),
                "note": p.note,
                "historique": p.history(),
            }
            for p in self
        ]


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


def _jsonable(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {_jsonable_key(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _jsonable_key(key: Any) -> Any:
    return None if key is None else str(key)


# ---------------------------------------------------------------------------------------------
# Parsing


def _parse_date(raw: Any, path: Path, key: str) -> dt.date:
    if isinstance(raw, dt.datetime):
        raise ParameterFileError(path, "date attendue AAAA-MM-JJ, pas une date-heure", key)
    if isinstance(raw, dt.date):
        return raw
    if isinstance(raw, str) and _DATE_RE.match(raw):
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            pass
    raise ParameterFileError(path, f"date malformée {raw!r} (attendu AAAA-MM-JJ)", key)


def _check_scalar(raw: Any, path: Path, key: str) -> None:
    if raw is None or isinstance(raw, bool | int | float | str):
        return
    raise ParameterFileError(path, f"valeur scalaire attendue, lu {type(raw).__name__}", key)


def _resolve_fractions(raw: Any, path: Path, key: str) -> Any:
    """Replace every ``!fraction p/q`` of a value by the float nearest to p/q (``2/3`` gives
    exactly ``2 / 3``), so that weights such as 1, 2/3, 1/3 are not rounded by hand."""
    if isinstance(raw, dict):
        return {k: _resolve_fractions(v, path, f"{key}.{k}") for k, v in raw.items()}
    if isinstance(raw, list):
        return [_resolve_fractions(v, path, key) for v in raw]
    if not isinstance(raw, _FractionText):
        return raw
    match = _FRACTION_RE.match(raw.strip())
    if match is None or int(match.group(2)) == 0:
        raise ParameterFileError(
            path, f"fraction malformée {str(raw)!r} (attendu p/q, q non nul, par ex. 2/3)", key
        )
    return float(Fraction(int(match.group(1)), int(match.group(2))))


def _check_value(raw: Any, path: Path, key: str) -> None:
    if isinstance(raw, dict):
        if not raw:
            raise ParameterFileError(path, "dictionnaire de valeurs vide", key)
        for k, v in raw.items():
            if not isinstance(k, int | float | str) or isinstance(k, bool):
                raise ParameterFileError(path, f"clé de valeur invalide {k!r}", key)
            if isinstance(v, list):
                for item in v:
                    _check_scalar(item, path, f"{key}.{k}")
            else:
                _check_scalar(v, path, f"{key}.{k}")
    elif isinstance(raw, list):
        for item in raw:
            _check_scalar(item, path, key)
    else:
        _check_scalar(raw, path, key)


def _parse_status(raw: Any, allowed: tuple[str, ...], what: str, path: Path, key: str) -> Any:
    if isinstance(raw, str):
        if raw not in allowed:
            raise ParameterFileError(
                path, f"{what} {raw!r} invalide (attendu : {', '.join(allowed)})", key
            )
        return raw
    if isinstance(raw, dict) and raw:
        for k, v in raw.items():
            _parse_status(v, allowed, what, path, f"{key}.{k}")
        return dict(raw)
    raise ParameterFileError(path, f"{what} manquant ou invalide", key)


def _parse_dated_value(start: dt.date, raw: Any, path: Path, key: str) -> DatedValue:
    if not isinstance(raw, dict):
        raise ParameterFileError(
            path, "valeur datée attendue sous forme de dictionnaire (value, reference…)", key
        )
    unknown = set(raw) - VALUE_KEYS
    if unknown:
        raise ParameterFileError(path, f"clé(s) inconnue(s) : {', '.join(sorted(unknown))}", key)
    missing = REQUIRED_VALUE_KEYS - set(raw)
    if missing:
        raise ParameterFileError(path, f"clé(s) manquante(s) : {', '.join(sorted(missing))}", key)
    value = _resolve_fractions(raw["value"], path, f"{key}.value")
    _check_value(value, path, f"{key}.value")
    reference = raw["reference"]
    if not isinstance(reference, dict):
        raise ParameterFileError(path, "reference : dictionnaire {titre, url} attendu", key)
    unknown = set(reference) - REFERENCE_KEYS
    if unknown:
        raise ParameterFileError(
            path, f"clé(s) inconnue(s) : {', '.join(sorted(unknown))}", f"{key}.reference"
        )
    titre = reference.get("titre")
    if not isinstance(titre, str) or not titre.strip():
        raise ParameterFileError(path, "titre de la référence manquant", f"{key}.reference.titre")
    url = reference.get("url")
    if url is not None and (not isinstance(url, str) or not url.startswith("https://")):
        raise ParameterFileError(path, "url https:// attendue", f"{key}.reference.url")
    statut = _parse_status(raw["statut"], STATUSES, "statut", path, f"{key}.statut")
    tag = _parse_status(raw["source_tag"], SOURCE_TAGS, "source_tag", path, f"{key}.source_tag")
    # Consistency: a [V-2], [S] or [U] fact can never be "verifie".
    statut_by = statut if isinstance(statut, dict) else None
    tag_by = tag if isinstance(tag, dict) else None
    keys = set(statut_by or {}) | set(tag_by or {}) or {None}
    for k in keys:
        s = statut_by.get(k, "non_verifie") if statut_by is not None else statut
        t = tag_by.get(k, "U") if tag_by is not None else tag
        if s not in TAG_ALLOWED_STATUS[t]:
            raise ParameterFileError(
                path, f"statut {s!r} incompatible avec le tag [{t}]", f"{key}.statut"
            )
    if (statut_by or tag_by) and not isinstance(value, dict):
        raise ParameterFileError(
            path, "statut par clé seulement pour une valeur dictionnaire", f"{key}.statut"
        )
    note = raw.get("note")
    if note is not None and not isinstance(note, str):
        raise ParameterFileError(path, "note : texte attendu", f"{key}.note")
    return DatedValue(
        start=start,
        value=value,
        reference=Reference(titre=" ".join(titre.split()), url=url),
        statut=statut,
        source_tag=tag,
        note=" ".join(note.split()) if note else None,
    )


def parse_parameter_file(path: Path, name: str) -> Parameter:
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_StrictLoader)  # noqa: S506
    except yaml.YAMLError as exc:
        raise ParameterFileError(path, f"YAML invalide : {exc}") from exc
    if not isinstance(raw, dict):
        raise ParameterFileError(path, "le fichier doit contenir un dictionnaire")
    unknown = set(raw) - TOP_KEYS
    if unknown:
        raise ParameterFileError(path, "clé(s) inconnue(s)", ", ".join(sorted(map(str, unknown))))
    missing = REQUIRED_TOP_KEYS - set(raw)
    if missing:
        raise ParameterFileError(path, "clé(s) manquante(s)", ", ".join(sorted(missing)))
    for key in ("description", "unite"):
        if not isinstance(raw[key], str) or not raw[key].strip():
            raise ParameterFileError(path, "texte non vide attendu", key)
    checked = _parse_date(raw["last_value_still_valid_on"], path, "last_value_still_valid_on")
    values_raw = raw["values"]
    if not isinstance(values_raw, dict) or not values_raw:
        raise ParameterFileError(
            path, "dictionnaire {date: valeur datée} non vide attendu", "values"
        )
    values = []
    for date_key, dated_raw in values_raw.items():
        key = f"values.{date_key}"
        start = _parse_date(date_key, path, key)
        values.append(_parse_dated_value(start, dated_raw, path, key))
    values.sort(key=lambda v: v.start)
    for a, b in itertools.pairwise(values):
        if a.start == b.start:
            raise ParameterFileError(path, "date en double", f"values.{a.start}")
    if values[0].value is None:
        raise ParameterFileError(path, "la première valeur ne peut pas être null", "values")
    return Parameter(
        name=name,
        path=path,
        description=" ".join(raw["description"].split()),
        unite=raw["unite"],
        last_value_still_valid_on=checked,
        values=tuple(values),
        note=" ".join(raw["note"].split()) if raw.get("note") else None,
    )


def load_parameters(directory: Path | str | None = None) -> ParameterSet:
    """Load (and validate) every ``*.yaml`` file under ``directory`` (default: the package
    tree). Cached for the default directory; raises :class:`ParameterFileError`."""
    if directory is None:
        return _load_default()
    return _load(Path(directory))


@lru_cache(maxsize=1)
def _load_default() -> ParameterSet:
    return _load(PARAMETERS_DIR)


def _load(directory: Path) -> ParameterSet:
    params = ParameterSet()
    for path in sorted(directory.rglob("*.yaml")):
        name = ".".join(path.relative_to(directory).with_suffix("").parts)
        params.parameters[name] = parse_parameter_file(path, name)
    if not params.parameters:
        raise ParameterFileError(directory, "aucun fichier de paramètre .yaml trouvé")
    return params


def list_parameters(directory: Path | str | None = None) -> list[dict[str, Any]]:
    """Every parameter with its history (JSON-ready), sorted by name."""
    return load_parameters(directory).listing()
