"""The three published layouts of the FINESS establishment file, read as rows of named fields.

* ``reexposition``: data.gouv "Réexposition des données FINESS", a header line and 35
  ``;``-separated columns (the 31 structure columns then ``coordxet;coordyet;sourcecoordet;
  datemaj_geoloc``), UTF-8.
* ``etalab``: the raw headerless Etalab extraction ``etalab-cs1100502`` / ``cs1100507``:
  first line ``finess;etalab;<n>;<date>``, ``structureet`` records, then (cs1100507) a
  ``geolocalisation`` block joined here to its establishment. UTF-8 today, Windows-1252
  before about 2021 (detected).
* ``t-finess``: the older 42-column layout with a header and a ready ``cog`` column, its
  columns renamed to those of the current layouts.

Fields follow CSV quoting (a field holding ``"`` is quoted, the quote doubled).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Literal

from .. import textinput
from ..bytelines import iter_decoded_lines
from ..errors import SourceError
from ..text import normalise_header
from ..textinput import SAMPLE_BYTES, UTF8_OR_CP1252

Layout = Literal["reexposition", "etalab", "t-finess"]

#: The 31 structure columns shared by the raw ``structureet`` records and the re-exposed file.
STRUCTURE_COLUMNS = (
    "nofinesset",
    "nofinessej",
    "rs",
    "rslongue",
    "complrs",
    "compldistrib",
    "numvoie",
    "typvoie",
    "voie",
    "compvoie",
    "lieuditbp",
    "commune",
    "departement",
    "libdepartement",
    "ligneacheminement",
    "telephone",
    "telecopie",
    "categetab",
    "libcategetab",
    "categagretab",
    "libcategagretab",
    "siret",
    "codeape",
    "codemft",
    "libmft",
    "codesph",
    "libsph",
    "dateouv",
    "dateautor",
    "datemaj",
    "numuai",
)
GEOLOC_COLUMNS = ("nofinesset", "coordxet", "coordyet", "sourcecoordet", "datemaj")

#: Column of each record field, per layout (``None``: absent from that layout).
_T_FINESS = {
    "commune": None,
    "cog": "cog",
    "categagretab": "categretab",
    "libcategagretab": "libcategretab",
    "dateouv": "dateouvert",
    "coordxet": "coordx",
    "coordyet": "coordy",
    "sourcecoordet": "sourcegeocod",
    "datemaj_geoloc": "dategeocod",
    "numuai": None,
    "codemft": "mft",
    "codesph": "sph",
}

#: Key of a raw row holding the line of its ``geolocalisation`` record, where coordinate
#: problems are reported.
GEOLOC_LINE = "\x00ligne_geoloc"


def detect_layout(first_line: str) -> Layout | None:
    """Layout of a FINESS file from its first line, ``None`` when not recognised."""
    fields = [normalise_header(name) for name in first_line.split(";")]
    if fields[:2] == ["finess", "etalab"]:
        return "etalab"
    if "nofinesset" in fields:
        return "t-finess" if "cog" in fields else "reexposition"
    return None


def detect_encoding(path: str | Path) -> str:
    """UTF-8, or Windows-1252 for files written before about 2021 (from the first megabyte),
    by the rules shared by every importer (:func:`..textinput.detect_encoding`): damaged UTF-8
    stays UTF-8 so that the bad byte is reported on its line; binary and UTF-16 files are
    refused with a French message."""
    path = Path(path)
    if not path.exists():
        raise SourceError(path, "fichier introuvable")
    with open(path, "rb") as handle:
        head = handle.read(SAMPLE_BYTES)
    return textinput.detect_encoding(path, head, UTF8_OR_CP1252).codec


def _split(line: str) -> list[str]:
    if '"' not in line:
        return line.split(";")
    return next(csv.reader([line], delimiter=";", quotechar='"', doublequote=True, strict=True))


def header_rows(
    path: Path, header_line: str, lines: Iterator[tuple[int, str]], layout: Layout
) -> Iterator[tuple[int, dict[str, str]]]:
    """``(line, row)`` of a file with a header (re-exposed or t-finess), after ``header_line``.

    Rows are keyed by the current column names (t-finess columns renamed).
    """
    names = [normalise_header(name) for name in header_line.split(";")]
    required = ["nofinesset", "nofinessej", "rs", "departement", "categetab", "libcategetab"] + (
        ["commune"] if layout == "reexposition" else ["cog"]
    )
    for name in required:
        if name not in names:
            raise SourceError(path, "colonne obligatoire absente de l'en-tête", line=1, column=name)
    width = len(names)
    for number, line in lines:
        if not line.strip():
            continue
        fields = _split_checked(path, number, line)
        if len(fields) != width:
            raise _width_error(path, number, width, len(fields), line)
        row = dict(zip(names, (value.strip() for value in fields), strict=True))
        if layout == "t-finess":
            row = _from_t_finess(row)
        yield number, row


def _from_t_finess(row: dict[str, str]) -> dict[str, str]:
    """Rename the t-finess columns to the names of the current layouts."""
    renamed = {key: value for key, value in row.items() if key not in _T_FINESS}
    for key, column in _T_FINESS.items():
        renamed[key] = row.get(column, "") if column else ""
    return renamed


def _split_checked(path: Path, number: int, line: str) -> list[str]:
    try:
        return _split(line)
    except csv.Error as error:
        raise SourceError(
            path, f"guillemets mal formés : {error}", line=number, found=line
        ) from error


def _width_error(path: Path, number: int, width: int, found: int, line: str) -> SourceError:
    return SourceError(
        path,
        "nombre de champs incorrect (ligne tronquée ou « ; » en trop)",
        line=number,
        expected=f"{width} champs séparés par « ; »",
        found=f"{found} champs : {line}",
    )


def read_geolocations(path: Path, encoding: str) -> dict[str, tuple[int, str, str, str, str]]:
    """First pass over a raw file: ``nofinesset → (line, x, y, sourcecoordet, datemaj)``."""
    geolocations: dict[str, tuple[int, str, str, str, str]] = {}
    with open(path, "rb") as binary:
        for number, line in iter_decoded_lines(path, binary, encoding):
            if not line.startswith("geolocalisation;"):
                continue
            fields = _split_checked(path, number, line)
            if len(fields) != 1 + len(GEOLOC_COLUMNS):
                raise _width_error(path, number, 1 + len(GEOLOC_COLUMNS), len(fields), line)
            finess = fields[1].strip()
            if finess in geolocations:
                raise SourceError(
                    path,
                    f"géolocalisation du numéro FINESS {finess} en double "
                    f"(déjà vue ligne {geolocations[finess][0]})",
                    line=number,
                    column="nofinesset",
                )
            geolocations[finess] = (number, *(value.strip() for value in fields[2:]))
    return geolocations


def raw_rows(
    path: Path,
    lines: Iterator[tuple[int, str]],
    geolocations: dict[str, tuple[int, str, str, str, str]],
) -> Iterator[tuple[int, dict[str, str]]]:
    """``(line, row)`` of the ``structureet`` records of a raw file, with their geolocation.

    ``geolocations`` comes from :func:`read_geolocations`; the line of the geolocation
    record is kept under :data:`GEOLOC_LINE`.
    """
    width = 1 + len(STRUCTURE_COLUMNS)
    for number, line in lines:
        if not line.strip() or line.startswith("geolocalisation;"):
            continue
        fields = _split_checked(path, number, line)
        kind = fields[0]
        if kind != "structureet":
            raise SourceError(
                path,
                "type d'enregistrement inconnu",
                line=number,
                expected="structureet ou geolocalisation",
                found=kind,
            )
        if len(fields) != width:
            raise _width_error(path, number, width, len(fields), line)
        row = dict(zip(STRUCTURE_COLUMNS, (value.strip() for value in fields[1:]), strict=True))
        geolocation = geolocations.pop(row["nofinesset"], None)
        if geolocation is not None:
            (
                line_geoloc,
                row["coordxet"],
                row["coordyet"],
                row["sourcecoordet"],
                row["datemaj_geoloc"],
            ) = geolocation
            # Coordinate problems are reported on the geolocalisation line.
            row[GEOLOC_LINE] = str(line_geoloc)
        yield number, row
    # Geolocations of unknown establishments are ignored: nothing to attach them to.
