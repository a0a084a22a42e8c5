"""Columns of ``Personne_activite``, its header, and the opening of the zip or text file.

Both readers (:mod:`.lines` and :mod:`.arrow`) look columns up by header name through
:func:`parse_header`, open the file through :func:`open_activity_file` and word their
errors with :func:`width_error`, so they agree on what a valid file is.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Literal, NamedTuple

from ..archives import ArchiveLimits, open_member
from ..errors import SourceError
from ..text import normalise_header

SEPARATOR = "|"


class Column(NamedTuple):
    """A column of the file: accepted header spellings and whether it must be present."""

    spellings: tuple[str, ...]
    required: bool


#: Record field → column. Headers are compared with :func:`normalise_header`, so case and
#: accents do not matter. The order is that of :class:`RawFields`.
COLUMNS: dict[str, Column] = {
    "type_identifiant": Column(("Type d'identifiant PP",), True),
    "identifiant": Column(("Identifiant PP",), False),
    "identifiant_national": Column(("Identification nationale PP",), True),
    "nom": Column(("Nom d'exercice",), True),
    "prenom": Column(("Prénom d'exercice",), True),
    "code_profession": Column(("Code profession",), True),
    "libelle_profession": Column(("Libellé profession",), True),
    "code_categorie_professionnelle": Column(("Code catégorie professionnelle",), True),
    # One third-party source says the savoir-faire columns may move to their own file, so a
    # file without them is accepted: every line then counts as "no specialty".
    "type_savoir_faire": Column(("Code type savoir-faire",), False),
    "code_savoir_faire": Column(("Code savoir-faire",), False),
    "libelle_savoir_faire": Column(("Libellé savoir-faire",), False),
    "mode_exercice": Column(("Code mode exercice",), True),
    "siret": Column(("Numéro SIRET site",), False),
    "finess_site": Column(("Numéro FINESS site",), False),
    "raison_sociale": Column(("Raison sociale site",), False),
    "code_postal": Column(("Code postal (coord. structure)",), True),
    "code_commune_structure": Column(("Code commune (coord. structure)",), True),
    "departement": Column(
        ("Code Département (structure)", "Code département (coord. structure)"), False
    ),
    "secteur_activite": Column(("Code secteur d'activité",), False),
}


class RawFields(NamedTuple):
    """The fields of one line that the readers use, trimmed, ``""`` for an absent column."""

    type_identifiant: str
    identifiant: str
    identifiant_national: str
    nom: str
    prenom: str
    code_profession: str
    libelle_profession: str
    code_categorie_professionnelle: str
    type_savoir_faire: str
    code_savoir_faire: str
    libelle_savoir_faire: str
    mode_exercice: str
    siret: str
    finess_site: str
    raison_sociale: str
    code_postal: str
    code_commune_structure: str
    departement: str
    secteur_activite: str


FIELDS: tuple[str, ...] = RawFields._fields
assert tuple(COLUMNS) == FIELDS, "COLUMNS and RawFields must list the same fields in order"

OnError = Literal["raise", "skip"]


@dataclass
class ParseReport:
    """What a parse skipped or noticed; filled when passed to a parser."""

    lines: int = 0
    records: int = 0
    skipped: list[SourceError] = field(default_factory=list)
    warnings: list[SourceError] = field(default_factory=list)


# --------------------------------------------------------------------------- opening


@contextmanager
def open_activity_file(
    path: Path, limits: ArchiveLimits | None = None
) -> Iterator[tuple[IO[bytes], str]]:
    """Binary stream of the activity file and the name to show in messages.

    ``path`` is the ``PS_LibreAcces`` zip (its ``Personne_activite`` member is found by
    name, checked against ``limits`` before and while it is decompressed) or the plain text
    file.
    """
    path = Path(path)
    if not path.exists():
        raise SourceError(path, "fichier introuvable")
    if zipfile.is_zipfile(path):
        try:
            archive = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError) as error:
            raise SourceError(path, f"archive illisible ou corrompue ({error})") from error
        with archive:
            member = _find_member(path, archive)
            with open_member(path, archive, member, limits or ArchiveLimits()) as handle:
                yield handle, f"{path}!{member}"
    else:
        with open(path, "rb") as handle:
            yield handle, str(path)


def _find_member(path: Path, archive: zipfile.ZipFile) -> str:
    candidates = [
        name
        for name in archive.namelist()
        if "personne_activite" in Path(name).name.lower().replace("-", "_")
        and not name.endswith("/")
    ]
    if len(candidates) != 1:
        raise SourceError(
            path,
            "l'archive doit contenir un et un seul fichier « Personne_activite »"
            if candidates
            else "aucun fichier « Personne_activite » dans l'archive",
            expected="PS_LibreAcces_Personne_activite_<horodatage>.txt",
            found=", ".join(candidates or archive.namelist()),
        )
    return candidates[0]


# --------------------------------------------------------------------------- header


@dataclass(frozen=True)
class Header:
    """The header line: raw names (trailing empty one included) and where each field is."""

    names: list[str]
    positions: dict[str, int]  # record field -> index of its column

    @property
    def width(self) -> int:
        return len(self.names)

    def reader(self):
        """Function turning the split fields of a line into :class:`RawFields`."""
        positions = [self.positions.get(name) for name in FIELDS]
        make = RawFields._make

        def read(fields: list[str]) -> RawFields:
            return make([fields[p].strip() if p is not None else "" for p in positions])

        return read


def parse_header(where: str, line: str) -> Header:
    """Locate every column of :data:`COLUMNS` in the header line ``line``.

    Raises
    ------
    SourceError
        Another separator than ``|``, or a required column missing (named in the error).
    """
    if SEPARATOR not in line:
        for other, label in ((";", "point-virgule"), (",", "virgule"), ("\t", "tabulation")):
            if other in line:
                raise SourceError(
                    where,
                    f"séparateur inattendu ({label}) : le fichier RPPS est séparé par « | »",
                    line=1,
                    expected="|",
                    found=other,
                    character=line.index(other) + 1,
                )
        raise SourceError(
            where,
            "en-tête RPPS introuvable : aucun séparateur « | »",
            line=1,
            found=line,
            character=1,
        )
    names = line.split(SEPARATOR)
    index = {normalise_header(name): position for position, name in enumerate(names) if name}
    positions: dict[str, int] = {}
    for name, column in COLUMNS.items():
        for spelling in column.spellings:
            position = index.get(normalise_header(spelling))
            if position is not None:
                positions[name] = position
                break
        else:
            if column.required:
                raise SourceError(
                    where,
                    "colonne obligatoire absente de l'en-tête",
                    line=1,
                    column=column.spellings[0],
                )
    return Header(names, positions)


def width_error(where: str, number: int | None, width: int, found: int, line: str) -> SourceError:
    """The error for a line that does not have the header's number of fields."""
    return SourceError(
        where,
        "nombre de champs incorrect (ligne tronquée ou « | » en trop)",
        line=number,
        expected=f"{width} champs séparés par « | » (dernier champ vide compris)",
        found=f"{found} champs : {line}",
    )
