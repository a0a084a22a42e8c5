"""The data.ameli ``demographie-effectifs-et-les-densites`` CSV export (département level);
``NS`` / ``NC`` are read as missing, never 0.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from ..errors import SourceError
from ..text import normalise_header
from ..textinput import SPREADSHEET, csv_records, open_lines
from .common import MISSING, _header, number_value

# --------------------------------------------------------------------------- data.ameli


@dataclass(frozen=True, slots=True)
class AmeliDemography:
    """One row of ``demographie-effectifs-et-les-densites`` (département level).

    ``effectif`` and ``densite`` are ``None`` for ``NS`` (statistical secrecy) or ``NC``.
    """

    annee: int
    profession_sante: str
    region: str
    departement: str
    libelle_departement: str
    classe_age: str
    libelle_classe_age: str
    libelle_sexe: str
    effectif: int | None
    densite: float | None
    line: int = field(default=0, compare=False)


AMELI_COLUMNS = (
    "annee",
    "profession_sante",
    "region",
    "libelle_region",
    "departement",
    "libelle_departement",
    "classe_age",
    "libelle_classe_age",
    "libelle_sexe",
    "effectif",
    "densite",
)
_ALL_DEPARTEMENTS = {"france", "tout departement", "tous departements"}


def iter_ameli_demography(
    path: str | Path, *, rows: Literal["detail", "totals"] = "detail"
) -> Iterator[AmeliDemography]:
    """Yield the département rows of a data.ameli demography CSV export.

    Rows for all of France (``libelle_departement`` ``FRANCE`` / ``Tout département``,
    ``departement`` ``999``) and for "Ensemble…" professions are always dropped.

    Parameters
    ----------
    path : str or Path
        CSV export, ``;`` or ``,`` separated (detected on the header), UTF-8.
    rows : {"detail", "totals"}
        ``"detail"`` (default) drops the aggregate rows ``tout sexe`` and ``Tout âge`` too,
        as data-sources.md 1.5 advises, leaving one row per sex and age band.
        ``"totals"`` keeps only the ``tout sexe`` × ``Tout âge`` rows: use it for
        densities, which cannot be summed over sexes or age bands.

    Raises
    ------
    SourceError
        Missing column, wrong number of fields, a bad year, or a number that is neither
        valid nor ``NS`` / ``NC`` (naming the line and the column).
    """
    path = Path(path)
    with open_lines(path, SPREADSHEET) as lines:
        separator, index = _header(lines, AMELI_COLUMNS, ";,")
        records = 0
        for number, raw_fields in csv_records(lines, separator):
            records += 1
            fields = [value.strip() for value in raw_fields]
            if len(fields) != len(index):
                raise SourceError(
                    path,
                    "nombre de champs incorrect",
                    line=number,
                    expected=f"{len(index)} champs",
                    found=separator.join(fields),
                )
            get = {name: fields[index[name]] for name in AMELI_COLUMNS}
            departement_label = normalise_header(get["libelle_departement"])
            if (
                departement_label in _ALL_DEPARTEMENTS
                or get["departement"] in {"999", ""}
                or normalise_header(get["profession_sante"]).startswith("ensemble")
            ):
                continue
            is_total = (
                normalise_header(get["libelle_sexe"]) == "tout sexe"
                and normalise_header(get["libelle_classe_age"]) == "tout age"
            )
            is_aggregate = (
                normalise_header(get["libelle_sexe"]) == "tout sexe"
                or normalise_header(get["libelle_classe_age"]) == "tout age"
            )
            if (rows == "detail" and is_aggregate) or (rows == "totals" and not is_total):
                continue
            if not re.fullmatch(r"\d{4}", get["annee"]):
                raise SourceError(
                    path,
                    "année invalide",
                    line=number,
                    column="annee",
                    expected="AAAA",
                    found=get["annee"],
                )
            headcount = _optional(path, number, "effectif", get["effectif"])
            if headcount is not None and not headcount.is_integer():
                raise SourceError(
                    path,
                    "effectif non entier",
                    line=number,
                    column="effectif",
                    found=get["effectif"],
                )
            yield AmeliDemography(
                annee=int(get["annee"]),
                profession_sante=get["profession_sante"],
                region=get["region"],
                departement=get["departement"],
                libelle_departement=get["libelle_departement"],
                classe_age=get["classe_age"],
                libelle_classe_age=get["libelle_classe_age"],
                libelle_sexe=get["libelle_sexe"],
                effectif=None if headcount is None else int(headcount),
                densite=_optional(path, number, "densite", get["densite"]),
                line=number,
            )
        if not records:
            raise lines.no_data(",".join(AMELI_COLUMNS))


def _optional(path: Path, number: int, column: str, text: str) -> float | None:
    if text.strip().upper() in MISSING:
        return None
    value = number_value(path, number, column, text)
    if value < 0:
        raise SourceError(path, "valeur négative", line=number, column=column, found=text)
    return value
