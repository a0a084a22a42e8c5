"""Parsers of INSEE population files.

- ``donnees_communes.csv`` of the legal populations (``ensemble.zip``):
  ``CODREG;REG;CODDEP;CODARR;CODCAN;CODCOM;COM;PMUN;PCAP;PTOT``. Paris, Lyon and Marseille
  are listed by arrondissement: their sums give 75056, 69123 and 13055.
- ``base-cc-evol-struct-pop-YYYY.CSV`` (population by age band, commune level): columns
  prefixed with the census year (``P21_POP0014``); the prefix is detected from the header.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .errors import SourceError
from .tabular import read_delimited
from .text import is_insee_code
from .textinput import UTF8_OR_CP1252, open_lines

# The municipal arrondissements of the three PLM cities, by parent commune.
PLM_ARRONDISSEMENTS = {
    "75056": tuple(f"751{n:02d}" for n in range(1, 21)),
    "69123": tuple(f"6938{n}" for n in range(1, 10)),
    "13055": tuple(f"132{n:02d}" for n in range(1, 17)),
}
PARENT_OF_ARRONDISSEMENT = {
    arm: parent for parent, arms in PLM_ARRONDISSEMENTS.items() for arm in arms
}

AGE_BANDS = ("0014", "1529", "3044", "4559", "6074", "7589", "90P")


@dataclass(frozen=True, slots=True)
class LegalPopulation:
    line: int | None  # None for the PLM totals computed from their arrondissements
    code: str
    nom: str
    population_municipale: int


def read_legal_populations(path: Path) -> Iterator[LegalPopulation]:
    """Yield the municipal population of each commune, then the PLM totals."""
    totals: dict[str, int] = {}
    rows = read_delimited(
        path,
        required={"CODDEP": ("CODDEP",), "CODCOM": ("CODCOM",), "COM": ("COM",), "PMUN": ("PMUN",)},
        delimiters=(";", ","),
        text_format=UTF8_OR_CP1252,
        description="de donnees_communes.csv",
    )
    for row in rows:
        departement, commune = row.text("CODDEP"), row.text("CODCOM")
        code = departement + commune
        if not is_insee_code(code):
            raise SourceError(
                path,
                "code commune mal formé (CODDEP + CODCOM)",
                line=row.line,
                column="CODCOM",
                expected="5 caractères au total",
                found=code,
            )
        population = row.number("PMUN", kind=int, minimum=0)
        parent = PARENT_OF_ARRONDISSEMENT.get(code)
        if parent:
            totals[parent] = totals.get(parent, 0) + population
        yield LegalPopulation(row.line, code, row.text("COM"), population)
    names = {"75056": "Paris", "69123": "Lyon", "13055": "Marseille"}
    for parent, total in totals.items():
        yield LegalPopulation(None, parent, names[parent], total)


@dataclass(frozen=True, slots=True)
class AgePopulation:
    line: int | None
    code: str
    total: float
    bands: dict[str, float]  # keyed by AGE_BANDS


def detect_year_prefix(path: Path) -> tuple[str, int]:
    """Return the column prefix (``P21``) and the census year (2021) from the header."""
    with open_lines(path, UTF8_OR_CP1252) as lines:
        header = lines.header(expected="une ligne d'en-tête de base-cc-evol-struct-pop")
    match = re.search(r"(?:^|[;,])\s*\"?P(\d{2})_POP\"?\s*(?:[;,]|$)", header.strip())
    if not match:
        raise SourceError(
            path,
            "millésime introuvable dans l'en-tête",
            line=1,
            column="PAA_POP",
            expected="une colonne P21_POP, P22_POP…",
            found=header.strip()[:80],
        )
    return f"P{match.group(1)}", 2000 + int(match.group(1))


def read_age_populations(path: Path) -> tuple[int, Iterator[AgePopulation]]:
    """Detect the year and return it with an iterator of populations by age band.

    INSEE's values are estimates from the census sample, hence decimals. PLM totals are
    added from their arrondissements when the file lists only arrondissements.
    """
    prefix, year = detect_year_prefix(path)
    required = {"CODGEO": ("CODGEO",), "POP": (f"{prefix}_POP",)}
    required |= {band: (f"{prefix}_POP{band}",) for band in AGE_BANDS}

    def rows() -> Iterator[AgePopulation]:
        seen: set[str] = set()
        sums: dict[str, list[float]] = {}
        for row in read_delimited(
            path,
            required,
            delimiters=(";", ","),
            text_format=UTF8_OR_CP1252,
            description="de base-cc-evol-struct-pop",
        ):
            code = row.text("CODGEO")
            if not is_insee_code(code):
                raise SourceError(
                    path,
                    "code commune mal formé",
                    line=row.line,
                    column="CODGEO",
                    expected="5 caractères",
                    found=code,
                )
            total = row.number("POP", minimum=0)
            bands = {band: row.number(band, minimum=0) for band in AGE_BANDS}
            seen.add(code)
            parent = PARENT_OF_ARRONDISSEMENT.get(code)
            if parent:
                acc = sums.setdefault(parent, [0.0] * (len(AGE_BANDS) + 1))
                acc[0] += total
                for i, band in enumerate(AGE_BANDS, start=1):
                    acc[i] += bands[band]
            yield AgePopulation(row.line, code, total, bands)
        for parent, acc in sums.items():
            if parent not in seen:
                yield AgePopulation(
                    None, parent, acc[0], dict(zip(AGE_BANDS, acc[1:], strict=True))
                )

    return year, rows()
