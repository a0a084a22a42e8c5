"""Streaming parser of the FINESS establishment files (three published layouts).

* ``reexposition``: data.gouv "Réexposition des données FINESS", a header line and 35
  ``;``-separated columns (the 31 structure columns then ``coordxet;coordyet;sourcecoordet;
  datemaj_geoloc``), UTF-8.
* ``etalab``: the raw headerless Etalab extraction ``etalab-cs1100502`` / ``cs1100507``:
  first line ``finess;etalab;<n>;<date>``, ``structureet`` records, then (cs1100507) a
  ``geolocalisation`` block. UTF-8 today, Windows-1252 before about 2021 (detected).
* ``t-finess``: the older 42-column layout with a header and a ready ``cog`` column.

Fields follow CSV quoting (a field holding ``"`` is quoted, the quote doubled). Coordinates
are converted to WGS84 with the CRS named at the end of ``sourcecoordet``; Lambert-93 is
never assumed (see :func:`crs_of_source`).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Literal

import numpy as np
import yaml
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError

from . import textinput
from .bytelines import iter_decoded_lines
from .errors import SourceError
from .numbers import parse_number
from .text import normalise_header
from .textinput import SAMPLE_BYTES, UTF8_OR_CP1252

DEFAULT_CATEGORY_TABLE = Path(__file__).with_name("finess_categories.yaml")
OTHER_CLASS = "autre"

Layout = Literal["reexposition", "etalab", "t-finess"]
OnProblem = Literal["raise", "warn"]

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

_DEPARTEMENTS = {f"{n:02d}" for n in range(1, 96) if n != 20} | {"2A", "2B"}
#: FINESS overseas codes → first two digits of the INSEE code.
_OVERSEAS = {"9A": "97", "9B": "97", "9C": "97", "9D": "97", "9E": "97", "9F": "97", "9J": "98"}

#: Named CRS tokens of ``sourcecoordet`` that carry no ``EPSG:`` prefix.
_UTM = re.compile(r"WGS\s*84\s*/\s*UTM\s+zone\s+(\d{1,2})\s*([NS])", re.IGNORECASE)
_EPSG = re.compile(r"EPSG\s*:\s*(\d{4,5})", re.IGNORECASE)
_GEOLOC_LINE = "\x00ligne_geoloc"
_NAMED_CRS = {"LAMBERT_93": "EPSG:2154", "LAMBERT93": "EPSG:2154"}


@dataclass(frozen=True, slots=True)
class Establishment:
    """One FINESS geographic establishment (``nofinesset``).

    ``lon`` / ``lat`` are WGS84 degrees, ``None`` without usable coordinates; ``x`` / ``y``
    and ``crs`` keep the source values. ``geocodage_commune`` is true when FINESS placed
    the establishment at the commune centre (precision 4 with an ADMIN-EXPRESS geocoder).
    ``classe`` comes from ``finess_categories.yaml`` (``"autre"`` when not listed).
    ``line`` is not compared, so records read from two layouts compare equal.
    """

    finess: str
    finess_ej: str
    nom: str
    nom_long: str
    complement_nom: str
    complement_distribution: str
    numero_voie: str
    type_voie: str
    voie: str
    complement_voie: str
    lieu_dit_bp: str
    code_postal: str
    ligne_acheminement: str
    departement: str
    code_insee: str
    telephone: str
    categorie: str
    categorie_libelle: str
    categorie_agregat: str
    classe: str
    siret: str
    code_ape: str
    date_ouverture: date | None
    date_autorisation: date | None
    date_maj: date | None
    x: float | None
    y: float | None
    crs: str
    source_coordonnees: str
    precision_geocodage: str
    geocodage_commune: bool
    lon: float | None
    lat: float | None
    line: int = field(default=0, compare=False)


@dataclass
class FinessReport:
    """Counts and warnings of one parse."""

    layout: str = ""
    encoding: str = ""
    records: int = 0
    geolocated: int = 0
    warnings: list[SourceError] = field(default_factory=list)


# --------------------------------------------------------------------------- INSEE codes


def code_insee(departement: str, commune: str) -> str:
    """INSEE commune code from FINESS ``departement`` and 3-digit ``commune``.

    Metropolitan départements and ``2A`` / ``2B`` are prefixed as they are; ``9A``–``9F``
    become ``97`` and ``9J`` becomes ``98`` (9A + 101 → 97101, 9F + 611 → 97611,
    9J + 613 → 98613).

    Raises
    ------
    ValueError
        Unknown département code or a commune that is not 3 digits.
    """
    departement = departement.strip().upper()
    commune = commune.strip()
    if len(commune) != 3 or not commune.isdigit():
        raise ValueError(f"code commune FINESS invalide : {commune!r}")
    if departement in _DEPARTEMENTS:
        return departement + commune
    if departement in _OVERSEAS:
        return _OVERSEAS[departement] + commune
    raise ValueError(f"code département FINESS inconnu : {departement!r}")


# --------------------------------------------------------------------------- coordinates


def crs_of_source(sourcecoordet: str) -> str | None:
    """CRS named at the end of ``sourcecoordet``, as ``"EPSG:n"``; ``None`` when absent/unknown.

    ``EPSG:2154 RGF93 / Lambert-93 (Métropole)`` → ``EPSG:2154``; ``WGS84/UTM zone 21N``
    → ``EPSG:32621``; ``WGS84/UTM zone 1S`` → ``EPSG:32701``; the pre-2021 token
    ``LAMBERT_93`` → ``EPSG:2154``. Anything else gives ``None``: Lambert-93 is never assumed.
    """
    if not sourcecoordet.strip():
        return None
    last = sourcecoordet.rsplit(",", 1)[-1].strip()
    match = _EPSG.search(last)
    if match:
        code = f"EPSG:{int(match.group(1))}"
        return code if _known_crs(code) else None
    match = _UTM.search(last)
    if match:
        zone = int(match.group(1))
        if 1 <= zone <= 60:
            return f"EPSG:{(32600 if match.group(2).upper() == 'N' else 32700) + zone}"
        return None
    return _NAMED_CRS.get(last.upper().replace(" ", "_"))


@lru_cache(maxsize=64)
def _known_crs(code: str) -> bool:
    try:
        CRS.from_user_input(code)
    except CRSError:
        return False
    return True


@lru_cache(maxsize=32)
def transformer_for(crs: str) -> Transformer:
    """One cached transformer from ``crs`` to WGS84 longitude / latitude."""
    return Transformer.from_crs(crs, "EPSG:4326", always_xy=True)


def to_wgs84(crs: str, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Vectorised conversion of projected coordinates to WGS84 (lon, lat) in degrees."""
    lon, lat = transformer_for(crs).transform(np.asarray(x, float), np.asarray(y, float))
    return np.asarray(lon, float), np.asarray(lat, float)


def is_commune_centre(sourcecoordet: str) -> bool:
    """True when FINESS geocoded at the commune centre (precision 4, ADMIN-EXPRESS geocoder)."""
    tokens = [token.strip() for token in sourcecoordet.split(",")]
    return (
        len(tokens) >= 4
        and tokens[0] == "4"
        and any(token.upper().startswith("ADMIN-EXPRESS") for token in tokens[3:])
    )


# --------------------------------------------------------------------------- categories


@dataclass(frozen=True)
class CategoryTable:
    """``categetab`` → product class, from ``finess_categories.yaml``."""

    classes: Mapping[str, str]  # class code -> French label
    by_category: Mapping[str, str]  # categetab -> class code

    def classify(self, categetab: str) -> str:
        """Class of a category code (``"autre"`` when not listed)."""
        return self.by_category.get(categetab.strip(), OTHER_CLASS)

    @property
    def labels(self) -> dict[str, str]:
        """French label of every class, ``autre`` included."""
        return {**self.classes, OTHER_CLASS: "Autre établissement"}


def load_category_table(path: str | Path | None = None) -> CategoryTable:
    """Read and check the establishment class table.

    Raises
    ------
    SourceError
        Unknown or missing key, duplicate class, a category listed in two classes.
    """
    path = Path(path) if path is not None else DEFAULT_CATEGORY_TABLE
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise SourceError(path, f"fichier YAML illisible : {error}") from error
    if not isinstance(document, dict) or not isinstance(document.get("classes"), list):
        raise SourceError(path, "la table doit contenir une liste « classes »")
    keys = {"code", "libelle", "categories", "statut", "source"}
    classes: dict[str, str] = {}
    by_category: dict[str, str] = {}
    for position, entry in enumerate(document["classes"], start=1):
        where = f"classes[{position}]"
        if not isinstance(entry, dict) or set(entry) - keys:
            raise SourceError(path, "entrée invalide", column=where, expected=", ".join(keys))
        code = str(entry.get("code") or "").strip()
        label = str(entry.get("libelle") or "").strip()
        categories = entry.get("categories")
        if not code or not label or not isinstance(categories, dict) or not categories:
            raise SourceError(
                path, "« code », « libelle » et « categories » sont obligatoires", column=where
            )
        if code in classes or code == OTHER_CLASS:
            raise SourceError(path, f"classe en double « {code} »", column=where)
        classes[code] = label
        for category in categories:
            category = str(category).strip()
            if category in by_category:
                raise SourceError(
                    path,
                    f"catégorie « {category} » déjà classée dans « {by_category[category]} »",
                    column=where,
                )
            by_category[category] = code
    return CategoryTable(classes, by_category)


# --------------------------------------------------------------------------- reading


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
    by the rules shared by every importer (:func:`.textinput.detect_encoding`): damaged UTF-8
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


def iter_establishments(
    path: str | Path,
    *,
    table: CategoryTable | None = None,
    on_unknown_crs: OnProblem = "warn",
    chunk_size: int = 5000,
    report: FinessReport | None = None,
) -> Iterator[Establishment]:
    """Yield the establishments of a FINESS file, in file order.

    Parameters
    ----------
    path : str or Path
        A re-exposed, raw Etalab (cs1100502 / cs1100507) or t-finess file; the layout is
        detected from the first line and the encoding (UTF-8, else Windows-1252) from the
        first megabyte.
    table : CategoryTable, optional
        Establishment classes (default: bundled ``finess_categories.yaml``).
    on_unknown_crs : {"warn", "raise"}
        Coordinates whose CRS is absent or unknown are left empty and a warning is added to
        ``report.warnings`` (default), or the parse stops.
    chunk_size : int
        Records converted per vectorised coordinate transform; bounds memory.
    report : FinessReport, optional
        Receives the layout, the encoding, counts and warnings.

    Raises
    ------
    SourceError
        Unrecognised layout, wrong number of fields (with the line), undecodable byte, a
        ``nofinesset`` seen twice (naming both lines), a bad date or coordinate, an unknown
        record type in the raw layout, a ``geolocalisation`` line repeated.
    """
    path = Path(path)
    table = table or load_category_table()
    report = report if report is not None else FinessReport()
    encoding = detect_encoding(path)
    report.encoding = encoding
    with open(path, "rb") as binary:
        lines = iter_decoded_lines(path, binary, encoding)
        first = next(lines, None)
        if first is None:
            raise SourceError(path, "fichier FINESS vide", line=1, character=1)
        layout = detect_layout(first[1])
        if layout is None:
            raise SourceError(
                path,
                "format FINESS non reconnu",
                line=1,
                character=1,
                expected="« finess;etalab;… » ou un en-tête contenant « nofinesset »",
                found=first[1],
            )
        report.layout = layout
        if layout == "etalab":
            geolocations = _read_geolocations(path, encoding)
            rows = _raw_rows(path, lines, geolocations)
        else:
            rows = _header_rows(path, first[1], lines, layout)
        seen: dict[str, int] = {}
        chunk: list[tuple[int, dict[str, str]]] = []
        for number, row in rows:
            finess = row["nofinesset"]
            if finess in seen:
                raise SourceError(
                    path,
                    f"numéro FINESS {finess} en double (déjà vu ligne {seen[finess]})",
                    line=number,
                    column="nofinesset",
                )
            seen[finess] = number
            chunk.append((number, row))
            if len(chunk) >= chunk_size:
                yield from _finish(path, chunk, table, on_unknown_crs, report)
                chunk = []
        yield from _finish(path, chunk, table, on_unknown_crs, report)


def read_establishments(path: str | Path, **options) -> list[Establishment]:
    """All establishments of a FINESS file (see :func:`iter_establishments`)."""
    return list(iter_establishments(path, **options))


def _header_rows(
    path: Path, header_line: str, lines: Iterator[tuple[int, str]], layout: Layout
) -> Iterator[tuple[int, dict[str, str]]]:
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


def _read_geolocations(path: Path, encoding: str) -> dict[str, tuple[int, str, str, str, str]]:
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


def _raw_rows(
    path: Path,
    lines: Iterator[tuple[int, str]],
    geolocations: dict[str, tuple[int, str, str, str, str]],
) -> Iterator[tuple[int, dict[str, str]]]:
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
            row[_GEOLOC_LINE] = str(line_geoloc)
        yield number, row
    # Geolocations of unknown establishments are ignored: nothing to attach them to.


def _finish(
    path: Path,
    chunk: list[tuple[int, dict[str, str]]],
    table: CategoryTable,
    on_unknown_crs: OnProblem,
    report: FinessReport,
) -> Iterator[Establishment]:
    """Convert coordinates of a chunk per CRS (vectorised), then build the records."""
    if not chunk:
        return
    n = len(chunk)
    xs = np.full(n, np.nan)
    ys = np.full(n, np.nan)
    crs_names = [""] * n
    groups: dict[str, list[int]] = {}
    for index, (number, row) in enumerate(chunk):
        x_text, y_text = row.get("coordxet", ""), row.get("coordyet", "")
        if not x_text and not y_text:
            continue
        number = int(row.get(_GEOLOC_LINE, number))
        xs[index] = _number(path, number, "coordxet", x_text)
        ys[index] = _number(path, number, "coordyet", y_text)
        source = row.get("sourcecoordet", "")
        crs = crs_of_source(source)
        if crs is None:
            problem = SourceError(
                path,
                "système de coordonnées absent ou inconnu : coordonnées ignorées",
                line=number,
                column="sourcecoordet",
                expected="EPSG:xxxx, WGS84/UTM zone nnX ou LAMBERT_93",
                found=source,
            )
            if on_unknown_crs == "raise":
                raise problem
            report.warnings.append(problem)
            continue
        crs_names[index] = crs
        groups.setdefault(crs, []).append(index)
    lons = np.full(n, np.nan)
    lats = np.full(n, np.nan)
    for crs, indices in groups.items():
        selected = np.array(indices)
        lons[selected], lats[selected] = to_wgs84(crs, xs[selected], ys[selected])
    for index, (number, row) in enumerate(chunk):
        lon, lat = lons[index], lats[index]
        located = bool(np.isfinite(lon) and np.isfinite(lat))
        if crs_names[index] and not located:
            report.warnings.append(
                SourceError(
                    path,
                    "coordonnées hors du domaine du système de coordonnées",
                    line=int(row.get(_GEOLOC_LINE, number)),
                    column="coordxet",
                )
            )
        report.records += 1
        report.geolocated += located
        yield _record(
            path,
            number,
            row,
            table,
            xs[index],
            ys[index],
            crs_names[index],
            lon if located else None,
            lat if located else None,
            report,
        )


def _record(path, number, row, table, x, y, crs, lon, lat, report) -> Establishment:
    departement = row.get("departement", "").upper()
    insee = row.get("cog", "")
    if not insee:
        try:
            insee = code_insee(departement, row.get("commune", ""))
        except ValueError as error:
            report.warnings.append(SourceError(path, str(error), line=number, column="commune"))
            insee = ""
    source = row.get("sourcecoordet", "")
    routing = row.get("ligneacheminement", "")
    postcode = routing[:5] if routing[:5].isdigit() else row.get("codepostal", "")
    category = row.get("categetab", "")
    return Establishment(
        finess=row["nofinesset"],
        finess_ej=row.get("nofinessej", ""),
        nom=row.get("rs", ""),
        nom_long=row.get("rslongue", ""),
        complement_nom=row.get("complrs", ""),
        complement_distribution=row.get("compldistrib", ""),
        numero_voie=row.get("numvoie", ""),
        type_voie=row.get("typvoie", ""),
        voie=row.get("voie", ""),
        complement_voie=row.get("compvoie", ""),
        lieu_dit_bp=row.get("lieuditbp", ""),
        code_postal=postcode,
        ligne_acheminement=routing,
        departement=departement,
        code_insee=insee,
        telephone=row.get("telephone", ""),
        categorie=category,
        categorie_libelle=row.get("libcategetab", ""),
        categorie_agregat=row.get("categagretab", ""),
        classe=table.classify(category),
        siret=row.get("siret", ""),
        code_ape=row.get("codeape", ""),
        date_ouverture=_date(path, number, "dateouv", row.get("dateouv", "")),
        date_autorisation=_date(path, number, "dateautor", row.get("dateautor", "")),
        date_maj=_date(path, number, "datemaj", row.get("datemaj", "")),
        x=None if np.isnan(x) else float(x),
        y=None if np.isnan(y) else float(y),
        crs=crs,
        source_coordonnees=source,
        precision_geocodage=source.split(",", 1)[0].strip() if source else "",
        geocodage_commune=is_commune_centre(source),
        lon=None if lon is None else float(lon),
        lat=None if lat is None else float(lat),
        line=number,
    )


def _number(path: Path, number: int, column: str, text: str) -> float:
    try:
        return parse_number(text)
    except ValueError:
        raise SourceError(
            path,
            "coordonnée invalide",
            line=number,
            column=column,
            expected="un nombre",
            found=text,
        ) from None


def _date(path: Path, number: int, column: str, text: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise SourceError(
            path, "date invalide", line=number, column=column, expected="AAAA-MM-JJ", found=text
        ) from error
