"""FINESS establishments: records built from the rows of any layout, coordinates in WGS84.

:func:`iter_establishments` detects the layout and the encoding (:mod:`.layouts`), checks
that every ``nofinesset`` appears once, converts coordinates per coordinate system by chunks
(:mod:`.crs`) and classes each establishment (:mod:`.categories`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Literal

import numpy as np

from ..bytelines import iter_decoded_lines
from ..errors import SourceError
from ..numbers import parse_number
from .categories import CategoryTable, load_category_table
from .crs import crs_of_source, is_commune_centre, to_wgs84
from .layouts import (
    GEOLOC_LINE,
    detect_encoding,
    detect_layout,
    header_rows,
    raw_rows,
    read_geolocations,
)

OnProblem = Literal["raise", "warn"]

_DEPARTEMENTS = {f"{n:02d}" for n in range(1, 96) if n != 20} | {"2A", "2B"}
#: FINESS overseas codes → first two digits of the INSEE code.
_OVERSEAS = {"9A": "97", "9B": "97", "9C": "97", "9D": "97", "9E": "97", "9F": "97", "9J": "98"}


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
            geolocations = read_geolocations(path, encoding)
            rows = raw_rows(path, lines, geolocations)
        else:
            rows = header_rows(path, first[1], lines, layout)
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
        number = int(row.get(GEOLOC_LINE, number))
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
                    line=int(row.get(GEOLOC_LINE, number)),
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
