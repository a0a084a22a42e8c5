"""Dated legal parameters (OpenFisca-like), loaded from the YAML tree in ``parameters/``.

One YAML file per parameter (or per small node, e.g. one amount per CPTS size). The parameter
name is the file path relative to ``parameters/``, with dots: ``aci/cpts/fonctionnement.yaml``
is ``aci.cpts.fonctionnement``. Values are keyed by start date; a value holds until the next
date, and a ``value: null`` ends it. An exact fraction is written ``!fraction 2/3`` and read
as the nearest float (``2 / 3``). See ``docs/regles.md`` for the format.

The loader is strict: unknown or repeated keys, malformed dates, missing reference or status
are errors naming the file, the line when YAML knows it, and the key
(:class:`~.values.ParameterFileError`, message in French). The loaded objects are in
:mod:`.values`.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from fractions import Fraction
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from .values import (
    STATUSES,
    DatedValue,
    NoValueAtDate,
    Parameter,
    ParameterError,
    ParameterFileError,
    ParameterNotFound,
    ParameterSet,
    ParameterValue,
    Reference,
)

# The loader's public names: what it reads and the errors it raises.
__all__ = [
    "PARAMETERS_DIR",
    "NoValueAtDate",
    "ParameterError",
    "ParameterFileError",
    "ParameterNotFound",
    "ParameterSet",
    "ParameterValue",
    "list_parameters",
    "load_parameters",
    "parse_parameter_file",
]

PARAMETERS_DIR = Path(__file__).with_name("parameters")

SOURCE_TAGS = ("V", "V-2", "S", "U")
# A [V] fact is "verifie"; every other tag is "non_verifie". A [V] fact may be stored as
# non_verifie (never the reverse), e.g. when only part of it is confirmed (explained in `note`).
TAG_ALLOWED_STATUS = {"V": STATUSES, "V-2": ("non_verifie",), "S": ("non_verifie",)}
TAG_ALLOWED_STATUS["U"] = ("non_verifie",)

TOP_KEYS = {"description", "unite", "last_value_still_valid_on", "values", "note"}
# ``last_value_still_valid_on`` is optional: absent or null means nobody recorded a check
# against the source, shown to users as « jamais vérifié ».
REQUIRED_TOP_KEYS = {"description", "unite", "values"}
VALUE_KEYS = {"value", "reference", "statut", "source_tag", "note"}
REQUIRED_VALUE_KEYS = {"value", "reference", "statut", "source_tag"}
REFERENCE_KEYS = {"titre", "url"}
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_FRACTION_RE = re.compile(r"^(-?\d+)/(\d+)$")
FRACTION_TAG = "!fraction"
_MERGE_TAG = "tag:yaml.org,2002:merge"


class _DuplicateKey(Exception):
    """Raised by the YAML loader on a key given twice in one mapping (YAML would silently
    keep the last one: two values for the same date would hide each other)."""

    def __init__(self, key: Any, line: int, first_line: int) -> None:
        super().__init__(key)
        self.key, self.line, self.first_line = key, line, first_line


# libyaml's parser when PyYAML was built with it: the same documents, read about 8 times faster
# (the registry is loaded by every process that reads a parameter, the CLI included).
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _StrictLoader(_SafeLoader):
    """SafeLoader that keeps dates as text, so that the loader validates them itself (an
    impossible date like 2022-02-30 becomes an error naming the file and the key), and that
    refuses a key repeated in one mapping."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        seen: dict[Any, int] = {}
        for key_node, _value_node in node.value:
            if key_node.tag == _MERGE_TAG:
                continue
            key = self.construct_object(key_node, deep=True)
            line = key_node.start_mark.line + 1  # YAML counts lines from 0
            try:
                first = seen.setdefault(key, line)
            except TypeError:  # an unhashable key: PyYAML reports it itself
                continue
            if first != line:
                raise _DuplicateKey(key, line, first)
        return super().construct_mapping(node, deep=deep)


_StrictLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _SafeLoader.yaml_implicit_resolvers.items()
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


def read_yaml(path: Path) -> Any:
    """The YAML document of ``path`` read strictly (dates as text, ``!fraction``, no repeated
    key); errors are :class:`ParameterFileError` naming the file and the line."""
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_StrictLoader)  # noqa: S506
    except _DuplicateKey as exc:
        raise ParameterFileError(
            path,
            f"clé en double (déjà donnée ligne {exc.first_line}) : YAML ne garderait que la "
            "dernière valeur",
            key=str(exc.key),
            line=exc.line,
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise ParameterFileError(path, f"YAML invalide : {exc}", line=line) from exc


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
    raw = read_yaml(path)
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
    checked = None
    if raw.get("last_value_still_valid_on") is not None:
        checked = _parse_date(raw["last_value_still_valid_on"], path, "last_value_still_valid_on")
        if checked > dt.date.today():
            raise ParameterFileError(
                path,
                f"vérification datée du {checked:%d/%m/%Y}, dans le futur : indiquer le jour "
                "où la source a été relue",
                "last_value_still_valid_on",
            )
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
    params = ParameterSet(root=PARAMETERS_DIR if directory == PARAMETERS_DIR else None)
    for path in sorted(directory.rglob("*.yaml")):
        name = ".".join(path.relative_to(directory).with_suffix("").parts)
        params.parameters[name] = parse_parameter_file(path, name)
    if not params.parameters:
        raise ParameterFileError(directory, "aucun fichier de paramètre .yaml trouvé")
    return params


def list_parameters(directory: Path | str | None = None) -> list[dict[str, Any]]:
    """Every parameter with its history (JSON-ready), sorted by name."""
    return load_parameters(directory).listing()
