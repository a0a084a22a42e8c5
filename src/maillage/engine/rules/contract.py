"""Contract files of ``maillage aci calcul`` (JSON) → engine inputs, with French errors.

Errors name the field with a JSON path (0-based indices), e.g.
``missions[2].date_demarrage : date attendue AAAA-MM-JJ``. Format: ``docs/regles.md``.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from .cpts import MISSION_LABELS, CptsContract, Indicator, Level, Mission
from .msp import CATEGORIES, Criterion, MspYear

_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class ContractError(ValueError):
    """A contract file is invalid; ``field`` is the JSON path of the faulty field."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(f"{field} : {message}" if field else message)


def _path(parent: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{parent}[{key}]"
    return f"{parent}.{key}" if parent else key


class _Obj:
    """Strict reader of one JSON object: knows its path and rejects unknown keys."""

    def __init__(self, raw: Any, path: str, allowed: set[str]) -> None:
        if not isinstance(raw, Mapping):
            raise ContractError(path or "contrat", "objet JSON attendu")
        unknown = sorted(set(raw) - allowed)
        if unknown:
            raise ContractError(
                _path(path, unknown[0]),
                f"champ inconnu (champs possibles : {', '.join(sorted(allowed))})",
            )
        self.raw, self.path = raw, path

    def has(self, key: str) -> bool:
        return self.raw.get(key) is not None

    def field(self, key: str) -> str:
        return _path(self.path, key)

    def required(self, key: str) -> Any:
        if key not in self.raw or self.raw[key] is None:
            raise ContractError(self.field(key), "champ obligatoire manquant")
        return self.raw[key]

    def date(self, key: str, required: bool = True) -> dt.date | None:
        if not required and not self.has(key):
            return None
        return parse_date(self.required(key), self.field(key))

    def number(self, key: str, required: bool = True, minimum: Decimal | None = Decimal(0)):
        if not required and not self.has(key):
            return None
        return parse_number(self.required(key), self.field(key), minimum)

    def integer(self, key: str, required: bool = True, minimum: int = 0) -> int | None:
        if not required and not self.has(key):
            return None
        value = self.required(key)
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise ContractError(self.field(key), f"entier supérieur ou égal à {minimum} attendu")
        return value

    def text(self, key: str, required: bool = True, default: str = "") -> str:
        if not required and not self.has(key):
            return default
        value = self.required(key)
        if not isinstance(value, str) or not value.strip():
            raise ContractError(self.field(key), "texte non vide attendu")
        return value

    def list(self, key: str, required: bool = True) -> list[Any]:
        if not required and not self.has(key):
            return []
        value = self.required(key)
        if not isinstance(value, list):
            raise ContractError(self.field(key), "liste attendue")
        return value

    def mapping(self, key: str) -> Mapping[str, Any]:
        if not self.has(key):
            return {}
        value = self.raw[key]
        if not isinstance(value, Mapping):
            raise ContractError(self.field(key), "objet JSON attendu")
        return value


def parse_date(value: Any, field: str) -> dt.date:
    if isinstance(value, str) and _DATE_RE.match(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise ContractError(field, "date attendue AAAA-MM-JJ")


def parse_number(value: Any, field: str, minimum: Decimal | None = Decimal(0)) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ContractError(field, "nombre attendu")
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise ContractError(field, "nombre attendu") from None
    if not number.is_finite():
        raise ContractError(field, "nombre fini attendu")
    if minimum is not None and number < minimum:
        raise ContractError(field, f"nombre supérieur ou égal à {minimum} attendu")
    return number


def _year_key(key: str, field: str, minimum: int = 1, maximum: int | None = None) -> int:
    if not re.fullmatch(r"\d+", str(key)) or int(key) < minimum:
        raise ContractError(field, f"clé « {key} » : numéro d'année attendu")
    if maximum is not None and int(key) > maximum:
        raise ContractError(field, f"clé « {key} » : année de contrat entre 1 et {maximum}")
    return int(key)


def load_contract_file(path: Path | str) -> dict[str, Any]:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ContractError("", f"{path} : lecture impossible ({exc.strerror})") from exc
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ContractError(
            "", f"{path} : JSON invalide, ligne {exc.lineno}, colonne {exc.colno} ({exc.msg})"
        ) from exc
    if not isinstance(raw, dict):
        raise ContractError("contrat", "objet JSON attendu")
    return raw


def contract_type(raw: Mapping[str, Any]) -> str:
    kind = raw.get("type")
    if kind not in ("cpts", "msp"):
        raise ContractError("type", "« cpts » ou « msp » attendu")
    return kind


CPTS_KEYS = {
    "type",
    "nom",
    "date_signature",
    "taille",
    "population",
    "fonctionnement",
    "date_validation_lettre_intention",
    "dates_dialogue_gestion",
    "missions",
    "remunerations_membres",
    "commentaire",
}
MISSION_KEYS = {
    "code",
    "date_demarrage",
    "date_deploiement",
    "part_fixe",
    "part_variable",
    "indicateurs",
    "commentaire",
}
INDICATOR_KEYS = {
    "code",
    "libelle",
    "poids",
    "valeur_initiale",
    "objectif",
    "objectifs",
    "paliers",
    "mode",
    "resultats",
    "commentaire",
}


def parse_cpts_contract(raw: Mapping[str, Any]) -> CptsContract:
    obj = _Obj(raw, "", CPTS_KEYS)
    signature = obj.date("date_signature")
    size = obj.integer("taille", required=False, minimum=1)
    if size is not None and size > 4:
        raise ContractError("taille", "1, 2, 3 ou 4 attendu")
    population = obj.integer("population", required=False)
    if size is None and population is None:
        raise ContractError("taille", "indiquer la taille (1 à 4) ou la population couverte")
    fonctionnement: Any = None
    if obj.has("fonctionnement"):
        value = raw["fonctionnement"]
        if isinstance(value, Mapping):
            fonctionnement = {
                _year_key(k, "fonctionnement"): parse_number(v, f"fonctionnement.{k}")
                for k, v in value.items()
            }
        else:
            fonctionnement = parse_number(value, "fonctionnement")
    dialogue = {
        _year_key(k, "dates_dialogue_gestion"): parse_date(v, f"dates_dialogue_gestion.{k}")
        for k, v in obj.mapping("dates_dialogue_gestion").items()
    }
    members: dict[int, dict[str, Decimal]] = {}
    for year, row in obj.mapping("remunerations_membres").items():
        field = f"remunerations_membres.{year}"
        y = _year_key(year, "remunerations_membres", minimum=1900)
        if not isinstance(row, Mapping):
            raise ContractError(field, "objet {membre: montant} attendu")
        members[y] = {str(m): parse_number(v, f"{field}.{m}") for m, v in row.items()}
    missions = []
    seen: set[str] = set()
    for i, m_raw in enumerate(obj.list("missions")):
        mission = _parse_mission(m_raw, _path("missions", i))
        if mission.code in seen:
            raise ContractError(_path(_path("missions", i), "code"), "mission en double")
        seen.add(mission.code)
        missions.append(mission)
    return CptsContract(
        name=obj.text("nom", required=False, default="CPTS"),
        signature=signature,
        missions=tuple(missions),
        size=size,
        population=population,
        fonctionnement=fonctionnement,
        letter_validated=obj.date("date_validation_lettre_intention", required=False),
        dialogue_dates=dialogue,
        member_payments=members,
    )


def _parse_mission(raw: Any, path: str) -> Mission:
    obj = _Obj(raw, path, MISSION_KEYS)
    code = obj.text("code")
    if code not in MISSION_LABELS:
        raise ContractError(
            obj.field("code"), f"mission inconnue (attendu : {', '.join(MISSION_LABELS)})"
        )
    indicators = []
    for j, i_raw in enumerate(obj.list("indicateurs", required=False)):
        indicators.append(parse_indicator(i_raw, _path(obj.field("indicateurs"), j)))
    total = sum((i.weight for i in indicators), Decimal(0))
    if total > 1:
        raise ContractError(obj.field("indicateurs"), f"la somme des poids dépasse 1 ({total})")
    return Mission(
        code=code,
        start=obj.date("date_demarrage", required=False),
        fixed=obj.number("part_fixe"),
        variable=obj.number("part_variable", required=False) or Decimal(0),
        indicators=tuple(indicators),
        deployed=obj.date("date_deploiement", required=False),
    )


def parse_indicator(raw: Any, path: str) -> Indicator:
    """One indicator of a contract file (``path``: its JSON path, for error messages)."""
    obj = _Obj(raw, path, INDICATOR_KEYS)
    baseline = obj.number("valeur_initiale", minimum=None)
    objective = obj.number("objectif", minimum=None)
    if baseline == objective:
        raise ContractError(obj.field("objectif"), "doit différer de la valeur initiale")
    weight = obj.number("poids")
    if weight > 1:
        raise ContractError(obj.field("poids"), "poids entre 0 et 1 attendu")
    mode = obj.text("mode", required=False, default="lineaire")
    if mode not in ("lineaire", "paliers"):
        raise ContractError(obj.field("mode"), "« lineaire » ou « paliers » attendu")
    levels_raw = obj.list("paliers", required=False)
    levels = []
    lo, hi = min(baseline, objective), max(baseline, objective)
    for k, l_raw in enumerate(levels_raw):
        lpath = _path(obj.field("paliers"), k)
        lobj = _Obj(l_raw, lpath, {"valeur", "taux"})
        value = lobj.number("valeur", minimum=None)
        if not lo < value < hi:
            raise ContractError(
                lobj.field("valeur"), "valeur strictement entre la valeur initiale et l'objectif"
            )
        if lobj.has("taux"):
            rate = lobj.number("taux")
            if not 0 < rate < 1:
                raise ContractError(lobj.field("taux"), "taux strictement entre 0 et 1 attendu")
        else:
            rate = Decimal(k + 1) / Decimal(len(levels_raw) + 1)
        levels.append(Level(value, rate))
    ordered = sorted(levels, key=lambda lv: lv.value * (1 if objective > baseline else -1))
    if any(a.rate >= b.rate for a, b in itertools.pairwise(ordered)):
        raise ContractError(obj.field("paliers"), "les taux doivent croître vers l'objectif")
    results = {
        _year_key(k, obj.field("resultats"), maximum=5): parse_number(
            v, f"{obj.field('resultats')}.{k}", minimum=None
        )
        for k, v in obj.mapping("resultats").items()
    }
    objectives = {}
    for k, v in obj.mapping("objectifs").items():
        year = _year_key(k, obj.field("objectifs"), maximum=5)
        value = parse_number(v, f"{obj.field('objectifs')}.{k}", minimum=None)
        if value == baseline:
            raise ContractError(
                f"{obj.field('objectifs')}.{k}", "doit différer de la valeur initiale"
            )
        objectives[year] = value
    return Indicator(
        objectives=objectives,
        code=obj.text("code"),
        weight=weight,
        baseline=baseline,
        objective=objective,
        levels=tuple(levels),
        results=results,
        mode=mode,
        label=obj.text("libelle", required=False),
    )


MSP_KEYS = {"type", "nom", "exercices", "commentaire"}
MSP_YEAR_KEYS = {
    "annee",
    "patientele",
    "patientele_avance",
    "date_versement_avance",
    "criteres",
    "commentaire",
}
CRITERION_KEYS = {
    "code",
    "libelle",
    "categorie",
    "points_fixes",
    "points_variables",
    "taux_atteinte",
    "commentaire",
}


def parse_msp_contract(raw: Mapping[str, Any]) -> tuple[str, list[MspYear]]:
    obj = _Obj(raw, "", MSP_KEYS)
    years = []
    seen: set[int] = set()
    for i, y_raw in enumerate(obj.list("exercices")):
        path = _path("exercices", i)
        yobj = _Obj(y_raw, path, MSP_YEAR_KEYS)
        year = yobj.integer("annee", minimum=2015)
        if year in seen:
            raise ContractError(yobj.field("annee"), "exercice en double")
        seen.add(year)
        criteria = []
        for j, c_raw in enumerate(yobj.list("criteres")):
            cobj = _Obj(c_raw, _path(yobj.field("criteres"), j), CRITERION_KEYS)
            category = cobj.text("categorie")
            if category not in CATEGORIES:
                raise ContractError(cobj.field("categorie"), f"attendu : {', '.join(CATEGORIES)}")
            achieved = cobj.number("taux_atteinte")
            if achieved > 1:
                raise ContractError(cobj.field("taux_atteinte"), "taux entre 0 et 1 attendu")
            criteria.append(
                Criterion(
                    code=cobj.text("code"),
                    category=category,
                    fixed_points=cobj.number("points_fixes", required=False) or Decimal(0),
                    variable_points=cobj.number("points_variables", required=False) or Decimal(0),
                    achieved=achieved,
                    label=cobj.text("libelle", required=False),
                )
            )
        years.append(
            MspYear(
                year=year,
                patientele=yobj.integer("patientele"),
                criteria=tuple(criteria),
                patientele_advance=yobj.integer("patientele_avance", required=False),
                advance_date=yobj.date("date_versement_avance", required=False),
            )
        )
    if not years:
        raise ContractError("exercices", "au moins un exercice attendu")
    return obj.text("nom", required=False, default="MSP"), years
