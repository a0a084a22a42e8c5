"""The CPAM activity file ``activite-ps.csv`` (format defined by the project).

Gives what the public RPPS extraction lacks: year of birth, acts and full-time equivalent
of each professional, per year.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..bytelines import iter_decoded_lines
from ..errors import SourceError
from ..text import normalise_header


@dataclass(frozen=True, slots=True)
class ProfessionalActivity:
    """Year of birth and yearly activity of one professional, from a CPAM file."""

    identifiant_national: str
    annee_naissance: int | None
    annee: int
    actes: float | None
    etp: float | None
    line: int = field(default=0, compare=False)


ACTIVITY_COLUMNS = ("identifiant_national", "annee_naissance", "annee", "actes", "etp")


def iter_professional_activity(path: str | Path) -> Iterator[ProfessionalActivity]:
    """Yield the lines of ``activite-ps.csv`` (format defined by the project).

    Header ``identifiant_national;annee_naissance;annee;actes;etp`` (any order, case and
    accents ignored; ``;``, ``,`` or tabulation), UTF-8, Windows-1252 or UTF-16 with a BOM.
    ``identifiant_national`` is the 11- or 12-character ``Identification nationale PP``;
    ``annee`` (4 digits) is the year of the activity; ``annee_naissance``, ``actes`` (acts in
    the year) and ``etp`` (full-time equivalent, 0 to 2) may be empty, but not all three.

    Raises
    ------
    SourceError
        Missing column, wrong number of fields, malformed identifier / year / number, a value
        out of range, or the same ``(identifiant_national, annee)`` twice — with line and
        column.
    """
    from ..indicators import parse_number
    from ..text import open_text

    path = Path(path)
    if not path.exists():
        raise SourceError(path, "fichier introuvable")
    with open_text(path, ("utf-8", "cp1252", "utf-16")) as handle:
        encoding = handle.encoding
    seen: dict[tuple[str, int], int] = {}
    with open(path, "rb") as binary:
        lines = iter_decoded_lines(path, binary, encoding)
        first = next(lines, None)
        if first is None:
            raise SourceError(
                path, "fichier vide", line=1, character=1, expected=";".join(ACTIVITY_COLUMNS)
            )
        separator = max((";", ",", "\t"), key=first[1].count)
        names = [normalise_header(name).strip('"') for name in first[1].split(separator)]
        for column in ACTIVITY_COLUMNS:
            if column not in names:
                raise SourceError(
                    path,
                    "colonne obligatoire absente de l'en-tête",
                    line=1,
                    column=column,
                    expected=";".join(ACTIVITY_COLUMNS),
                )
        index = {name: names.index(name) for name in ACTIVITY_COLUMNS}
        for number, line in lines:
            if not line.strip():
                continue
            fields = [value.strip().strip('"') for value in line.split(separator)]
            if len(fields) != len(names):
                raise SourceError(
                    path,
                    "nombre de champs incorrect",
                    line=number,
                    expected=f"{len(names)} champs",
                    found=line,
                )
            get = {name: fields[position] for name, position in index.items()}
            identifier = get["identifiant_national"]
            if not (identifier.isdigit() and len(identifier) in (11, 12)):
                raise SourceError(
                    path,
                    "identifiant national invalide",
                    line=number,
                    column="identifiant_national",
                    expected="11 ou 12 chiffres (Identification nationale PP)",
                    found=identifier,
                )
            year = _year_field(path, number, "annee", get["annee"], required=True)
            birth = _year_field(path, number, "annee_naissance", get["annee_naissance"])
            acts = _number_field(path, number, "actes", get["actes"], parse_number, 1e6)
            fte = _number_field(path, number, "etp", get["etp"], parse_number, 2.0)
            if birth is None and acts is None and fte is None:
                raise SourceError(
                    path,
                    "ligne sans valeur",
                    line=number,
                    column="annee_naissance",
                    expected="au moins une année de naissance, un nombre d'actes ou un ETP",
                )
            key = (identifier, year)
            if key in seen:
                raise SourceError(
                    path,
                    f"professionnel et année en double (déjà donnés ligne {seen[key]})",
                    line=number,
                    column="identifiant_national",
                    found=f"{identifier} / {year}",
                )
            seen[key] = number
            yield ProfessionalActivity(identifier, birth, year, acts, fte, number)


def _year_field(path, number, column, text, required=False) -> int | None:
    if not text and not required:
        return None
    if not (len(text) == 4 and text.isdigit() and 1900 <= int(text) <= 2100):
        raise SourceError(
            path, "année invalide", line=number, column=column, expected="AAAA", found=text
        )
    return int(text)


def _number_field(path, number, column, text, parse, maximum) -> float | None:
    if not text:
        return None
    try:
        value = parse(text)
    except ValueError as error:
        raise SourceError(
            path, "nombre invalide", line=number, column=column, expected="un nombre", found=text
        ) from error
    if not 0 <= value <= maximum:
        raise SourceError(
            path,
            "valeur hors limites",
            line=number,
            column=column,
            expected=f"entre 0 et {maximum:g}",
            found=text,
        )
    return value
