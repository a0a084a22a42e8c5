"""Parser of the ``@etalab/decoupage-administratif`` JSON files (COG, DGCL, INSEE).

The package ships one JSON array per level: ``regions.json``, ``departements.json``,
``epci.json`` and ``communes.json`` (current communes, municipal arrondissements, delegated
and associated communes). The files are a few megabytes: each is decoded whole and checked
record by record; errors name the element (``[index].field``) since the arrays sit on one line.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .errors import SourceError
from .text import load_json

COMMUNE_TYPES = {
    "commune-actuelle": "COM",
    "arrondissement-municipal": "ARM",
    "commune-deleguee": "COMD",
    "commune-associee": "COMA",
}
FILES = ("regions.json", "departements.json", "epci.json", "communes.json")


@dataclass(frozen=True, slots=True)
class Region:
    code: str
    nom: str


@dataclass(frozen=True, slots=True)
class Departement:
    code: str
    nom: str
    region: str
    chef_lieu: str | None


@dataclass(frozen=True, slots=True)
class Epci:
    siren: str
    nom: str
    nature: str
    membres: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Commune:
    code: str
    nom: str
    type: str  # COM, ARM, COMD or COMA
    departement: str | None
    region: str | None
    population: int | None
    codes_postaux: tuple[str, ...] = ()
    parent: str | None = None  # ARM: its commune; COMD / COMA: the commune it merged into
    anciens_codes: tuple[str, ...] = field(default=())


def _load_array(path: Path) -> list:
    data = load_json(path, expected="un tableau JSON")
    if not isinstance(data, list):
        raise SourceError(path, "structure inattendue", expected="un tableau JSON d'objets")
    return data


def _text(path: Path, index: int, item: object, key: str, *, required: bool = True) -> str | None:
    if not isinstance(item, dict):
        raise SourceError(
            path,
            "élément qui n'est pas un objet",
            column=f"[{index}]",
            expected="un objet JSON",
            found=repr(item),
        )
    value = item.get(key)
    if value is None or value == "":
        if required:
            raise SourceError(
                path,
                "champ obligatoire manquant",
                column=f"[{index}].{key}",
                expected="une chaîne non vide",
            )
        return None
    if not isinstance(value, str):
        raise SourceError(
            path,
            "type inattendu",
            column=f"[{index}].{key}",
            expected="une chaîne",
            found=repr(value),
        )
    return value


def _code(
    path: Path, index: int, item: dict, key: str, lengths: tuple[int, ...], *, required: bool = True
) -> str | None:
    value = _text(path, index, item, key, required=required)
    if value is not None and (len(value) not in lengths or not value.isalnum()):
        raise SourceError(
            path,
            "code mal formé",
            column=f"[{index}].{key}",
            expected=f"un code de {' ou '.join(map(str, lengths))} caractères",
            found=value,
        )
    return value


def _population(path: Path, index: int, item: dict, key: str = "population") -> int | None:
    value = item.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise SourceError(
            path,
            "population invalide",
            column=f"[{index}].{key}",
            expected="un entier positif ou nul",
            found=repr(value),
        )
    return value


def _strings(path: Path, index: int, item: dict, key: str) -> tuple[str, ...]:
    value = item.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise SourceError(
            path,
            "liste attendue",
            column=f"[{index}].{key}",
            expected="une liste de chaînes",
            found=repr(value),
        )
    return tuple(value)


def read_regions(path: Path) -> Iterator[Region]:
    for index, item in enumerate(_load_array(path)):
        yield Region(
            code=_code(path, index, item, "code", (2, 3)), nom=_text(path, index, item, "nom")
        )


def read_departements(path: Path) -> Iterator[Departement]:
    for index, item in enumerate(_load_array(path)):
        yield Departement(
            code=_code(path, index, item, "code", (2, 3)),
            nom=_text(path, index, item, "nom"),
            region=_code(path, index, item, "region", (2, 3)),
            chef_lieu=_code(path, index, item, "chefLieu", (5,), required=False),
        )


def read_epci(path: Path) -> Iterator[Epci]:
    for index, item in enumerate(_load_array(path)):
        members = item.get("membres") if isinstance(item, dict) else None
        if not isinstance(members, list):
            raise SourceError(
                path,
                "liste des membres absente",
                column=f"[{index}].membres",
                expected="une liste d'objets {code, nom}",
            )
        codes = []
        for position, member in enumerate(members):
            codes.append(
                _code(path, index, member, "code", (5,))
                if isinstance(member, dict)
                else _text(path, index, member, f"membres[{position}]")
            )
        yield Epci(
            siren=_code(path, index, item, "code", (9,)),
            nom=_text(path, index, item, "nom"),
            nature=_text(path, index, item, "type", required=False) or "",
            membres=tuple(codes),
        )


def read_communes(path: Path) -> Iterator[Commune]:
    for index, item in enumerate(_load_array(path)):
        raw_type = _text(path, index, item, "type")
        if raw_type not in COMMUNE_TYPES:
            raise SourceError(
                path,
                "type de commune inconnu",
                column=f"[{index}].type",
                expected=", ".join(COMMUNE_TYPES),
                found=raw_type,
            )
        kind = COMMUNE_TYPES[raw_type]
        parent = None
        if kind == "ARM":
            parent = _code(path, index, item, "commune", (5,))
        elif kind in ("COMD", "COMA"):
            parent = _code(path, index, item, "chefLieu", (5,))
        yield Commune(
            code=_code(path, index, item, "code", (5,)),
            nom=_text(path, index, item, "nom"),
            type=kind,
            departement=_code(path, index, item, "departement", (2, 3), required=False),
            region=_code(path, index, item, "region", (2, 3), required=False),
            population=_population(path, index, item),
            codes_postaux=_strings(path, index, item, "codesPostaux"),
            parent=parent,
            anciens_codes=_strings(path, index, item, "anciensCodes"),
        )


def check_directory(directory: Path) -> dict[str, Path]:
    """Paths of the four files of a ``decoupage-administratif`` folder, or an error."""
    directory = Path(directory)
    if not directory.is_dir():
        raise SourceError(
            directory,
            "dossier introuvable",
            expected="le dossier data/ du paquet @etalab/decoupage-administratif",
        )
    paths = {}
    for name in FILES:
        path = directory / name
        if not path.is_file():
            raise SourceError(path, "fichier manquant dans le dossier", expected=", ".join(FILES))
        paths[name.removesuffix(".json")] = path
    return paths
