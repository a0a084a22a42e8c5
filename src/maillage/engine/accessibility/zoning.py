"""Simulated zoning from APL with the dated rules (no Django).

This is a *simulation*: the official zoning is decided by each ARS by arrêté and must be
imported as such. Two rules are implemented:

- doctors (arrêté of 13 November 2017): a territory (TVS, or commune when no TVS is known)
  with a population-weighted APL strictly under ``zonage.medecins.apl_seuil_zip`` (2.5) is
  ``ZIP``; from 2.5 included to ``zonage.medecins.apl_seuil_vivier`` (4) excluded it is in the
  ``vivier`` (candidate for ZIP or ZAC chosen by the ARS); 4 and above is ``hors_zonage``;
- other professions: the classes of ``zonage.<profession>.zones`` at the date are filled in
  order of increasing APL with cumulative population shares
  (``zoning.simulation.<profession>.population_shares``, a project choice, unverified: the
  official methods are not public in a computable form).

Every parameter used is returned with its date, reference and verification status so that the
user interface can say « simulation » and « non vérifié ».
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from maillage.engine.rules.loader import load_parameters
from maillage.engine.rules.values import ParameterError, ParameterSet
from maillage.engine.vocabulary import (
    GP,
    NURSE,
    OUTSIDE,
    PHYSIOTHERAPIST,
    VIVIER,
    ZAC,
    ZIP,
    ZONING_PARAMETERS,
    normalise_zone,
)

from ..sources.errors import SourceError
from ..sources.tabular import read_delimited
from ..sources.textinput import SPREADSHEET
from .fca import weighted_mean_by_group

SHARE_PARAMETERS = {
    PHYSIOTHERAPIST: "zoning.simulation.masseur_kinesitherapeute.population_shares",
    NURSE: "zoning.simulation.infirmier.population_shares",
}


@dataclass
class ZoningSimulation:
    """Zone of each unit, the territory it was decided on, and the parameters used."""

    zones: np.ndarray  # object array of zone codes, one per input unit
    territory_apl: np.ndarray  # APL of the territory (TVS or commune) that decided the zone
    territories: np.ndarray  # territory code of each unit (its own code without grouping)
    on: dt.date
    profession: str
    used: list[dict[str, Any]] = field(default_factory=list)

    @property
    def verified(self) -> bool:
        return all(u["statut"] == "verifie" for u in self.used)


def _rule_parameter(params: ParameterSet, name: str, on: dt.date) -> tuple[Any, dict]:
    value = params.get(name, on)
    return value.value, {
        "nom": name,
        "description": value.description,
        "valeur": value.value,
        "unite": value.unite,
        "en_vigueur_depuis": value.start.isoformat(),
        "reference": value.reference.titre,
        "statut": value.statut,
    }


def classify_doctors(apl: Any, zip_threshold: float, vivier_threshold: float) -> np.ndarray:
    """``ZIP`` if APL < zip_threshold, ``vivier`` if < vivier_threshold, else ``hors_zonage``.

    Boundaries: an APL exactly equal to a threshold belongs to the upper class (« APL < 2,5 »
    is ZIP, 2,5 is vivier; 4 is hors zonage), as in the arrêté's wording.
    """
    apl = np.asarray(apl, dtype=np.float64)
    labels = np.array([ZIP, VIVIER, OUTSIDE], dtype=object)
    return labels[np.searchsorted([zip_threshold, vivier_threshold], apl, side="right")]


def classify_by_population_shares(
    apl: Any, population: Any, shares: Any, classes: list[str]
) -> np.ndarray:
    """Fill ``classes`` in order of increasing APL up to cumulative population ``shares``.

    A territory belongs to the class whose cumulative share interval contains the population
    ranked before it (ties in APL are ordered by position, deterministic). Populations of 0
    count as nothing; the last class takes what is left.
    """
    apl = np.asarray(apl, dtype=np.float64)
    population = np.asarray(population, dtype=np.float64)
    shares = np.asarray(shares, dtype=np.float64)
    if shares.size != len(classes):
        raise ValueError(
            f"parts de population : {len(classes)} valeurs attendues (une par classe), "
            f"{shares.size} lues"
        )
    order = np.lexsort((np.arange(apl.size), apl))
    total = population.sum()
    before = np.concatenate([[0.0], np.cumsum(population[order])[:-1]])
    fraction = before / total if total > 0 else np.zeros(apl.size)
    cuts = np.cumsum(shares)[:-1]
    ranked = np.minimum(np.searchsorted(cuts, fraction + 1e-12, side="right"), len(classes) - 1)
    result = np.empty(apl.size, dtype=object)
    result[order] = np.asarray(classes, dtype=object)[ranked]
    return result


def simulate_zoning(
    profession: str,
    apl: Any,
    population: Any,
    on: dt.date,
    codes: Any,
    groups: Any | None = None,
    params: ParameterSet | None = None,
) -> ZoningSimulation:
    """Simulated zone of each commune from its APL, with the rules in force on ``on``.

    Parameters
    ----------
    profession : str
        ``medecin_generaliste``, ``masseur_kinesitherapeute`` or ``infirmier``.
    apl : array of float, shape (n,)
        APL of each commune (unit of the profession).
    population : array of float, shape (n,)
        Inhabitants of each commune (weights of the territory mean).
    on : date
        Date of the rules.
    codes : array of str, shape (n,)
        Commune codes.
    groups : array of str, shape (n,), optional
        Territory (TVS) of each commune; the zone is decided on the population-weighted APL
        of the territory. Default: each commune on its own.
    """
    params = params or load_parameters()
    if profession not in ZONING_PARAMETERS:
        raise ValueError(
            f"profession « {profession} » : pas de zonage simulé (attendu : "
            f"{', '.join(ZONING_PARAMETERS)})"
        )
    apl = np.asarray(apl, dtype=np.float64)
    population = np.asarray(population, dtype=np.float64)
    codes = np.asarray(codes, dtype=object)
    groups = codes if groups is None else np.asarray(groups, dtype=object)
    labels, means = weighted_mean_by_group(apl, population, groups)
    inverse = np.searchsorted(labels, groups)
    # A territory without population keeps the plain mean of its communes' APL.
    if np.isnan(means).any():
        counts = np.bincount(inverse, minlength=labels.size)
        plain = np.bincount(inverse, weights=apl, minlength=labels.size) / np.maximum(counts, 1)
        means = np.where(np.isnan(means), plain, means)
    group_population = np.bincount(inverse, weights=population, minlength=labels.size)
    used: list[dict[str, Any]] = []
    try:
        classes, info = _rule_parameter(params, ZONING_PARAMETERS[profession], on)
    except ParameterError as exc:
        raise ValueError(f"aucun zonage connu pour {profession} au {on:%d/%m/%Y}") from exc
    used.append(info)
    if profession == GP:
        zip_threshold, info = _rule_parameter(params, "zonage.medecins.apl_seuil_zip", on)
        used.append(info)
        vivier_threshold, info = _rule_parameter(params, "zonage.medecins.apl_seuil_vivier", on)
        used.append(info)
        group_zones = classify_doctors(means, float(zip_threshold), float(vivier_threshold))
    else:
        try:
            shares, info = _rule_parameter(params, SHARE_PARAMETERS[profession], on)
        except ParameterError as exc:
            raise ValueError(str(exc)) from exc
        used.append(info)
        group_zones = classify_by_population_shares(means, group_population, shares, list(classes))
    return ZoningSimulation(
        zones=group_zones[inverse],
        territory_apl=means[inverse],
        territories=groups,
        on=on,
        profession=profession,
        used=used,
    )


def aid_zone(profession: str, simulated_zone: str) -> str:
    """Zone to give the aid simulator for a simulated zone (the vivier is simulated as ZAC:
    the ARS may classify it ZAC or ZIP, or leave it out)."""
    return ZAC if profession == GP and simulated_zone == VIVIER else simulated_zone


# --- Official zoning files -------------------------------------------------------------------


def _rows(path: Path, columns: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    """Rows of a small CSV (``;``, ``,`` or tabulation) with the named columns, read through
    the shared text layer (UTF-8, Windows-1252 or UTF-16 with BOM; size limits); line
    numbers as an editor shows them."""
    rows = read_delimited(
        path,
        {column: (column,) for column in columns},
        delimiters=(";", ",", "\t"),
        text_format=SPREADSHEET,
        description=f"({';'.join(columns)})",
    )
    return [(row.line, {k: v.strip() for k, v in row.values.items()}) for row in rows]


def read_zoning_file(path: str | Path, zones: list[str]) -> list[tuple[str, str, int]]:
    """Read an official zoning ``code;zone`` (commune INSEE or TVS code).

    Returns ``(code, zone, line)`` rows with zones normalised to the codes of ``zones``.
    Raises :class:`SourceError` (line, column) on an empty or repeated code or an unknown zone.
    """
    path = Path(path)
    result, seen = [], {}
    for line, row in _rows(path, ("code", "zone")):
        code = row["code"]
        if not code:
            raise SourceError(path, "code vide", line=line, column="code", expected="un code")
        if code in seen:
            raise SourceError(
                path,
                "code répété",
                line=line,
                column="code",
                expected=f"une seule ligne par code (déjà ligne {seen[code]})",
                found=code,
            )
        seen[code] = line
        zone = normalise_zone(row["zone"])
        if zone not in zones:
            raise SourceError(
                path,
                "zone inconnue",
                line=line,
                column="zone",
                expected=", ".join(zones),
                found=row["zone"],
            )
        result.append((code, zone, line))
    if not result:
        raise SourceError(path, "aucune ligne de données", expected="code;zone")
    return result


def read_tvs_mapping(path: str | Path) -> dict[str, str]:
    """Read ``tvs;commune`` (one line per commune) into {commune: tvs}."""
    path = Path(path)
    mapping: dict[str, str] = {}
    for line, row in _rows(path, ("tvs", "commune")):
        tvs, commune = row["tvs"], row["commune"]
        for column, value in (("tvs", tvs), ("commune", commune)):
            if not value:
                raise SourceError(path, "code vide", line=line, column=column)
        if commune in mapping and mapping[commune] != tvs:
            raise SourceError(
                path,
                "commune rattachée à deux TVS",
                line=line,
                column="commune",
                expected=f"un seul TVS (déjà {mapping[commune]})",
                found=commune,
            )
        mapping[commune] = tvs
    return mapping
