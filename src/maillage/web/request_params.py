"""Bounds of every request parameter, shared by the pages, the exports and the JSON API.

A value from a URL, a query string or a form is read here once, at the edge: a year in the
documented range, an integer within bounds, a code that matches its official pattern. A value
out of bounds raises :class:`ParameterError` — a Django ``BadRequest``, so pages answer 400
with the French error page and the API answers 400 ``{"detail": "…"}`` — instead of reaching
the engine, the database or ``datetime`` and ending in a 500.

Each bound is declared once and gives three things: ``parse`` / ``get`` for views, the
``annotation`` that django-ninja turns into a validated, documented OpenAPI parameter
(minimum, maximum, pattern, enum), and a path converter for the URL map. docs/api.md lists the
bounds; ``tests/web/test_request_params.py`` checks the list against this module.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field
from typing import Annotated, Any

from django.conf import settings
from django.core.exceptions import BadRequest, ValidationError
from django.core.validators import RegexValidator
from django.urls.converters import get_converters, register_converter
from pydantic import Field

SHOWN_INPUT = 40  # characters of a rejected value echoed in the message
NO_CONTROL_CHARACTERS = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f]*$"


class ParameterError(BadRequest):
    """A request parameter out of its bounds: 400 with a French message that names it."""

    def __init__(self, name: str, expected: str, received: object = None):
        self.name, self.expected = name, expected
        message = f"paramètre « {name} » : {expected}"
        if received is not None:
            text = str(received)
            if len(text) > SHOWN_INPUT:
                text = text[:SHOWN_INPUT] + "…"
            message += f" (reçu : « {text} »)"
        self.message = message
        super().__init__(message)

    def __str__(self) -> str:
        return self.message


def _raw(params, name: str) -> str | None:
    """The stripped value of ``name`` in a QueryDict or dict; ``None`` when absent or empty."""
    value = params.get(name)
    if value is None:
        return None
    value = str(value).strip()
    return value or None


class _Bound:
    """Shared reading logic: ``get`` turns absent or empty into ``default``."""

    def parse(self, raw: object, name: str) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    def get(self, params, name: str, default: Any = None) -> Any:
        raw = _raw(params, name)
        return default if raw is None else self.parse(raw, name)

    def require(self, params, name: str) -> Any:
        raw = _raw(params, name)
        if raw is None:
            raise ParameterError(name, f"obligatoire ({self.expected})")
        return self.parse(raw, name)

    @property
    def expected(self) -> str:  # pragma: no cover - abstract
        raise NotImplementedError


@dataclass(frozen=True)
class Integer(_Bound):
    """A whole number in ``[minimum, maximum]``."""

    description: str
    minimum: int
    maximum: int

    @property
    def expected(self) -> str:
        return f"{self.description}, nombre entier de {self.minimum} à {self.maximum}"

    def parse(self, raw: object, name: str) -> int:
        text = str(raw).strip()
        # Digits only (no "1e3", no "1_000"), and a length check before int() so that a
        # megabyte of digits costs nothing.
        if not re.fullmatch(r"[+-]?[0-9]{1,20}", text):
            raise ParameterError(name, f"attendu : {self.expected}", raw)
        value = int(text)
        if not self.minimum <= value <= self.maximum:
            raise ParameterError(name, f"attendu : {self.expected}", raw)
        return value

    @property
    def annotation(self):
        return Annotated[
            int, Field(ge=self.minimum, le=self.maximum, description=self.expected.capitalize())
        ]


@dataclass(frozen=True)
class Number(_Bound):
    """A finite decimal number in ``[minimum, maximum]``; a decimal comma is accepted."""

    description: str
    minimum: float
    maximum: float

    @property
    def expected(self) -> str:
        return f"{self.description}, nombre de {self.minimum:g} à {self.maximum:g}"

    def parse(self, raw: object, name: str) -> float:
        if isinstance(raw, int | float):
            value = float(raw)
        else:
            text = str(raw).strip().replace(",", ".")
            if len(text) > 30:
                raise ParameterError(name, f"attendu : {self.expected}", raw)
            try:
                value = float(text)
            except ValueError:
                raise ParameterError(name, f"attendu : {self.expected}", raw) from None
        if not math.isfinite(value) or not self.minimum <= value <= self.maximum:
            raise ParameterError(name, f"attendu : {self.expected}", raw)
        return value

    @property
    def annotation(self):
        return Annotated[
            float,
            Field(ge=self.minimum, le=self.maximum, description=self.expected.capitalize()),
        ]


@dataclass(frozen=True)
class Code(_Bound):
    """An identifier that must match ``pattern`` in full (official code, SIREN, RPPS…)."""

    description: str
    pattern: str
    example: str

    @property
    def expected(self) -> str:
        return f"{self.description} (par exemple {self.example})"

    def parse(self, raw: object, name: str) -> str:
        text = str(raw).strip()
        if not re.fullmatch(self.pattern, text):
            raise ParameterError(name, f"attendu : {self.expected}", raw)
        return text

    @property
    def validator(self) -> RegexValidator:
        """For Django form fields: the same pattern, the same French message."""
        return RegexValidator(f"^(?:{self.pattern})$", message=f"Attendu : {self.expected}.")

    @property
    def annotation(self):
        return Annotated[
            str,
            Field(
                pattern=f"^(?:{self.pattern})$",
                description=self.expected[0].upper() + self.expected[1:],
                examples=[self.example],
            ),
        ]


@dataclass(frozen=True)
class Text(_Bound):
    """Free text (a search, a name) of at most ``max_length`` characters, no control bytes."""

    description: str
    max_length: int

    @property
    def expected(self) -> str:
        return f"{self.description}, {self.max_length} caractères au plus"

    def parse(self, raw: object, name: str) -> str:
        text = str(raw).strip()
        if len(text) > self.max_length or re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", text):
            raise ParameterError(name, f"attendu : {self.expected}", raw)
        return text

    @property
    def annotation(self):
        return Annotated[
            str,
            Field(
                max_length=self.max_length,
                pattern=NO_CONTROL_CHARACTERS,
                description=self.expected[0].upper() + self.expected[1:],
            ),
        ]


@dataclass(frozen=True)
class Choice(_Bound):
    """One of a closed list of values (``choices``: value → French label)."""

    description: str
    choices: dict[str, str] = field(default_factory=dict)

    @property
    def expected(self) -> str:
        return f"{self.description}, une valeur parmi : {', '.join(self.choices)}"

    def parse(self, raw: object, name: str) -> str:
        text = str(raw).strip()
        if text not in self.choices:
            raise ParameterError(name, f"attendu : {self.expected}", raw)
        return text


@dataclass(frozen=True)
class Date(_Bound):
    """A calendar date (AAAA-MM-JJ or JJ/MM/AAAA) whose year is within :data:`YEAR`."""

    description: str

    @property
    def expected(self) -> str:
        return (
            f"{self.description}, date AAAA-MM-JJ ou JJ/MM/AAAA "
            f"entre {YEAR.minimum} et {YEAR.maximum}"
        )

    def parse(self, raw: object, name: str) -> dt.date:
        if isinstance(raw, dt.date):
            value = raw
        else:
            text = str(raw).strip()
            try:
                if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
                    value = dt.date.fromisoformat(text)
                elif re.fullmatch(r"[0-9]{2}/[0-9]{2}/[0-9]{4}", text):
                    value = dt.datetime.strptime(text, "%d/%m/%Y").date()
                else:
                    raise ValueError(text)
            except ValueError:
                raise ParameterError(name, f"attendu : {self.expected}", raw) from None
        if not YEAR.minimum <= value.year <= YEAR.maximum:
            raise ParameterError(name, f"attendu : {self.expected}", raw)
        return value

    def validator(self, value: dt.date) -> None:
        """For Django date fields: the year within :data:`YEAR`."""
        if value and not YEAR.minimum <= value.year <= YEAR.maximum:
            raise ValidationError(f"Attendu : année de {YEAR.minimum} à {YEAR.maximum}.")

    @property
    def annotation(self):
        return Annotated[
            dt.date,
            Field(
                ge=dt.date(YEAR.minimum, 1, 1),
                le=dt.date(YEAR.maximum, 12, 31),
                description=self.expected[0].upper() + self.expected[1:],
            ),
        ]


# ---------------------------------------------------------------------------------------------
# The bounds. Years: settings.MAILLAGE_YEARS (documented in docs/api.md); the others are sanity
# limits of the interface, not rules: they only keep absurd input away from the computations.

YEAR = Integer("année", *settings.MAILLAGE_YEARS)
# Primary keys are 64-bit integers in SQLite and PostgreSQL: 18 digits always fit.
PK = Integer("identifiant", 1, 999_999_999_999_999_999)
PAGE = Integer("numéro de page", 1, 100_000)
LIMIT = Integer("nombre de résultats", 1, 100)
AGE = Integer("âge", 18, 100)
KM = Number("distance en kilomètres", 0, 300)
MINUTES = Number("durée de trajet en minutes", 0, 240)
ETP = Number("variation d'ETP", -50, 50)
DAYS_PER_WEEK = Number("jours d'exercice par semaine", 0.5, 7)
LONGITUDE = Number("longitude", -180, 180)
LATITUDE = Number("latitude", -90, 90)

COMMUNE = Code("code INSEE de commune à 5 caractères", r"(?:[0-9]{2}|2[AB])[0-9]{3}", "83137")
DEPARTEMENT = Code("code de département", r"[0-9]{2}|2[AB]|9[78][0-9]", "83")
REGION = Code("code de région", r"[0-9]{2,3}", "93")
SIREN = Code("numéro SIREN à 9 chiffres", r"[0-9]{9}", "200054807")
RPPS = Code(
    "identification nationale du professionnel (RPPS ou ADELI)", r"[0-9A-Z]{9,12}", "810001234567"
)
CPTS = Code("identifiant ou numéro de la CPTS", r"[0-9A-Za-z][0-9A-Za-z_.-]{0,39}", "CPTS-00-01")
ZONE = Code(
    "référence de zone ZONAGE@MILLÉSIME:CODE ou ZONAGE:CODE",
    r"[0-9A-Za-z_-]{1,40}(?:@[0-9]{4})?:[0-9A-Za-z_. '-]{1,60}",
    "tvs@2024:83137",
)
ZONE_CLASS = Code(
    "classe de zonage (ZIP, ZAC, hors_zonage, tres_sous_dotee…)", r"[A-Za-z_-]{1,30}", "ZIP"
)
SEARCH = Text("texte recherché", 100)
NAME = Text("nom", 120)
COMMUNE_LIST = Text("codes INSEE séparés par des virgules", 40_000 * 6)
MAX_COMMUNES = 40_000  # more than the communes of France
DATE = Date("date")


def commune_codes(raw: str | list[str] | None, name: str = "communes") -> list[str]:
    """Commune codes from « 83137,83069 » (commas, semicolons or spaces) or a list."""
    if not raw:
        return []
    if isinstance(raw, str):
        raw = COMMUNE_LIST.parse(raw, name)
        items = [c for c in re.split(r"[,; ]+", raw) if c]
    else:
        items = [str(c).strip() for c in raw]
    if len(items) > MAX_COMMUNES:
        raise ParameterError(name, f"{MAX_COMMUNES} communes au plus", f"{len(items)} codes")
    for code in items:
        COMMUNE.parse(code, name)
    return items


# ---------------------------------------------------------------------------------------------
# Path converters of the URL map: a malformed code or identifier does not match (404); a year
# that is a number but out of range is a 400 that names the bound.


class _PathConverter:
    bound: Code | Integer

    def to_python(self, value: str):
        return self.bound.parse(value, self.name)

    def to_url(self, value) -> str:
        return str(value)


class _PatternConverter(_PathConverter):
    def to_python(self, value: str):
        try:
            return self.bound.parse(value, self.name)
        except ParameterError:
            raise ValueError(value) from None  # no match: 404


class _PkConverter(_PatternConverter):
    regex = "[0-9]{1,20}"
    bound, name = PK, "identifiant"


class _YearConverter(_PathConverter):
    regex = "[0-9]{1,20}"
    bound, name = YEAR, "année"


def _code_converter(bound: Code, name: str) -> type:
    return type(
        f"{name.capitalize()}Converter",
        (_PatternConverter,),
        {"regex": bound.pattern, "bound": bound, "name": name},
    )


PATH_CONVERTERS = {
    "pk": _PkConverter,
    "annee": _YearConverter,
    "commune": _code_converter(COMMUNE, "commune"),
    "departement": _code_converter(DEPARTEMENT, "departement"),
    "region": _code_converter(REGION, "region"),
    "rpps": _code_converter(RPPS, "rpps"),
}


def register_path_converters() -> None:
    """Make ``<pk:…>``, ``<annee:…>``, ``<commune:…>``… usable in the URL map (idempotent)."""
    known = get_converters()
    for name, converter in PATH_CONVERTERS.items():
        if name not in known:
            register_converter(converter, name)
