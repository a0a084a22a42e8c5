"""Read the referential (populations, supply, travel times) into the arrays the APL engine needs.

The supply enters the APL, a published figure: it is protected here, once.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from django.db.models import Q

from maillage.engine import parameters
from maillage.engine.accessibility import decay as decays
from maillage.engine.accessibility import demand as demands
from maillage.engine.accessibility import fca, traveltimes
from maillage.engine.indicators.secrecy import is_secret, protect
from maillage.web.secrecy import policy as secrecy_policy
from maillage.web.supply.models import Activity
from maillage.web.territories.models import Commune

from .methods import AGE_BANDS, AGE_FIELDS, METHODS, Method, Scope, check_profession

# --- Inputs ----------------------------------------------------------------------------------


@dataclass
class AplInputs:
    """Everything the engine needs, for the study area plus the communes in reach."""

    profession: str
    annee: int
    on: dt.date
    codes: np.ndarray  # universe of communes (object array)
    in_scope: np.ndarray  # bool mask of the perimeter
    population: np.ndarray
    demand: np.ndarray
    supply: np.ndarray  # protected (docs/diagnostic.md)
    practitioners: np.ndarray  # protected count: the stand-in where ``secret``
    fte: np.ndarray  # protected
    secret: np.ndarray  # bool: between 1 and seuil − 1 practitioners
    weights: Any  # scipy CSR
    params: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    @property
    def method(self) -> Method:
        return METHODS[self.profession]


def _commune_table(scope: Scope, max_km: float | None) -> pd.DataFrame:
    columns = ["code", "population", "centre_lat", "centre_lon", *AGE_FIELDS]
    base = Commune.objects.filter(statut=Commune.Statut.ACTUELLE).exclude(
        nature=Commune.Nature.ARRONDISSEMENT
    )
    scope_frame = pd.DataFrame(list(scope.communes().values_list(*columns)), columns=columns)
    scope_frame["in_scope"] = True
    if scope.kind == "france" or max_km is None or scope_frame.empty:
        return scope_frame
    lat = scope_frame["centre_lat"].dropna()
    lon = scope_frame["centre_lon"].dropna()
    if lat.empty:
        return scope_frame
    # Communes around the perimeter, within the largest catchment: their supply and demand
    # count for the communes at the edge (border effect), but their APL is not stored.
    dlat = max_km / 111.0 * 1.05
    dlon = max_km / (111.0 * math.cos(math.radians(min(85.0, float(lat.abs().max()))))) * 1.05
    around = (
        base.filter(
            centre_lat__gte=float(lat.min()) - dlat,
            centre_lat__lte=float(lat.max()) + dlat,
            centre_lon__gte=float(lon.min()) - dlon,
            centre_lon__lte=float(lon.max()) + dlon,
        )
        .exclude(code__in=scope_frame["code"].tolist())
        .values_list(*columns)
    )
    around_frame = pd.DataFrame(list(around), columns=columns)
    around_frame["in_scope"] = False
    if around_frame.empty:
        return scope_frame
    return pd.concat([scope_frame, around_frame], ignore_index=True)


def consumption_profile(profession: str, on: dt.date) -> tuple[np.ndarray, dict] | None:
    """Consumption per age band from ``apl.demand.profile.<profession>`` when it exists."""
    name = f"apl.demand.profile.{profession}"
    if name not in parameters.load_parameters():
        return None
    try:
        value = parameters.get(name, on)
    except parameters.ParameterError:
        return None
    profile = np.array([float(value.value[band]) for band in AGE_BANDS])
    return profile, {"nom": name, "statut": value.statut}


def _supply(
    profession: str, codes: np.ndarray, annee: int, on: dt.date, warnings: list[str]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, dict]:
    """Supply, protected practitioner count, FTE and secret mask per commune of ``codes``.

    The supply enters the APL — a published figure — so it is protected here, once: a commune
    with between 1 and seuil − 1 eligible liberal practitioners enters at the mean stand-in
    number of practitioners and the mean activity of the large communes
    (:func:`demand.protect_supply`); its practitioner count is its stand-in, marked secret.
    """
    method = METHODS[profession]
    n = codes.size
    liberal = Q(mode_exercice=Activity.Mode.LIBERAL, professional__categorie=profession) & Q(
        professional__actif=True
    )
    rows = list(
        Activity.objects.filter(liberal, commune__isnull=False).values_list(
            "professional_id",
            "commune_id",
            "commune__commune_parente_id",
            "commune__fusionnee_dans_id",
            "professional__annee_naissance",
            "professional__actes_annuels",
            "professional__etp",
        )
    )
    info: dict[str, Any] = {"activites": len(rows)}
    if not rows:
        return np.zeros(n), np.zeros(n), np.zeros(n), np.zeros(n, dtype=bool), info
    frame = pd.DataFrame(
        rows, columns=["pro", "commune", "parent", "merged", "birth", "acts", "fte"]
    )
    # A practice in an arrondissement counts for its city, one in a merged commune for the
    # commune that absorbed it (APL is computed on current communes).
    frame["commune"] = frame["parent"].fillna(frame["merged"]).fillna(frame["commune"])
    # A practitioner with several liberal practices is split equally between them.
    shares = frame.groupby("pro")["pro"].transform("size").to_numpy(dtype=np.float64)
    index = pd.Index(codes).get_indexer(frame["commune"])
    keep = index >= 0
    activity, fte, unknown_activity = demands.practitioner_activity(
        frame["acts"].astype(float), frame["fte"].astype(float), method.supply_in_fte, on
    )
    if not method.supply_in_fte:
        info["actes_par_etp"] = float(parameters.value("apl.supply.acts_per_fte", on))
    unknown = int(unknown_activity[keep].sum())
    if unknown:
        warnings.append(
            f"{unknown} activité(s) sans actes ni ETP connus : comptées pour 1 ETP chacune."
        )
    info["activite_inconnue"] = unknown
    ages = annee - frame["birth"].astype(float).to_numpy()
    eligible = np.ones(len(frame), dtype=bool)
    if method.age_cap:
        try:
            eligible = demands.eligible_by_age(ages, on=on)
            info["age_limite"] = parameters.value("apl.supply.age_cap.age", on)
            info["age_limite_incluse"] = parameters.value("apl.supply.age_cap.inclusive", on)
            info["exclus_age"] = int((~eligible & keep).sum())
        except parameters.ParameterError:
            warnings.append("aucun âge limite en vigueur à cette date : tous les âges comptés.")
    weight = keep & eligible
    idx = index[weight]
    supply = demands.supply_by_commune(idx, (activity / shares)[weight], n)
    fte_total = demands.supply_by_commune(idx, (fte / shares)[weight], n)
    # The protected cell: distinct eligible practitioners with a liberal practice in the commune.
    pairs = np.unique(np.column_stack([idx, frame["pro"].to_numpy()[weight]]), axis=0)
    distinct = np.bincount(pairs[:, 0], minlength=n).astype(np.float64)
    pol = secrecy_policy(on)
    cells = protect(
        distinct,
        lambda positions: [f"apl|{profession}|{annee}|{c}" for c in codes[positions[0]]],
        pol.seuil,
        pol.key,
    )
    supply, fte_total = demands.protect_supply(supply, fte_total, cells, method.supply_in_fte, on)
    return supply, cells.value, fte_total, is_secret(cells.floor, cells.seuil), info


def load_inputs(
    profession: str,
    annee: int,
    scope: Scope,
    travel_times: str | Path | None = None,
    on: dt.date | None = None,
) -> AplInputs:
    """Read populations, supply and travel times of ``scope`` (plus communes in reach)."""
    profession = check_profession(profession)
    on = on or dt.date(annee, 12, 31)
    warnings: list[str] = []
    decay = decays.apl_decay(on)
    max_minutes = decays.max_minutes_of(decay)
    # The crow-fly approximation is a convention of the project, dated from the first APL
    # method: it applies to every year the method does.
    detour = float(parameters.value("traveltime.crowfly.detour_factor", on))
    speed = float(parameters.value("traveltime.crowfly.speed_kmh", on))
    max_km = max_minutes / 60.0 * speed / detour
    table = None
    if travel_times is not None:
        table = traveltimes.read_travel_times(travel_times)
    frame = _commune_table(scope, None if table is not None else max_km)
    if table is not None and scope.kind != "france":
        # The study area and every commune paired with it in the matrix.
        scope_codes = frame["code"].to_numpy(dtype=object)
        inside = pd.Index(scope_codes)
        linked = set(table.destinations[inside.get_indexer(table.origins) >= 0]) | set(
            table.origins[inside.get_indexer(table.destinations) >= 0]
        )
        extra = sorted(linked - set(scope_codes))
        if extra:
            columns = ["code", "population", "centre_lat", "centre_lon", *AGE_FIELDS]
            more = pd.DataFrame(
                list(Commune.objects.filter(code__in=extra).values_list(*columns)),
                columns=columns,
            )
            more["in_scope"] = False
            frame = pd.concat([frame, more], ignore_index=True)
    if frame.empty:
        raise ValueError(f"aucune commune dans le référentiel pour : {scope.label}")
    codes = frame["code"].to_numpy(dtype=object)
    n = codes.size
    population = frame["population"].astype(float).fillna(0.0).to_numpy()
    params: dict[str, Any] = {
        "date_parametres": on.isoformat(),
        "paliers": {str(k): float(v) for k, v in zip(decay.limits, decay.weights, strict=True)},
        "profil": None,
    }
    demand = population.copy()
    profile = consumption_profile(profession, on)
    ages = frame[AGE_FIELDS].astype(float).to_numpy()
    if profile is not None and not np.isnan(ages).any():
        demand = demands.standardised_demand(ages, profile[0])
        params["profil"] = profile[1]
    elif profile is not None:
        warnings.append("populations par âge incomplètes : population non standardisée.")
    supply, practitioners, fte, secret, supply_info = _supply(
        profession, codes, annee, on, warnings
    )
    params["offre"] = supply_info
    if table is not None:
        origins, destinations, minutes, dropped = traveltimes.index_pairs(codes, table)
        params["temps"] = {"source": "fichier", "chemin": str(travel_times), "ignores": dropped}
    else:
        known = ~(frame["centre_lat"].isna() | frame["centre_lon"].isna()).to_numpy()
        missing = int((~known).sum())
        if missing:
            warnings.append(f"{missing} commune(s) sans centre : seulement t_ii = 0.")
        position = np.flatnonzero(known)
        o, d, minutes = traveltimes.crow_fly_times(
            frame["centre_lat"].to_numpy(dtype=float)[known],
            frame["centre_lon"].to_numpy(dtype=float)[known],
            max_minutes,
            detour_factor=detour,
            speed_kmh=speed,
        )
        origins, destinations = position[o], position[d]
        params["temps"] = {
            "source": "vol_oiseau",
            "detour": detour,
            "vitesse_kmh": speed,
            "approximation": True,
        }
    origins, destinations, minutes = traveltimes.add_self_pairs(origins, destinations, minutes, n)
    weights = fca.weight_matrix(origins, destinations, minutes, decay, shape=(n, n))
    return AplInputs(
        profession=profession,
        annee=annee,
        on=on,
        codes=codes,
        in_scope=frame["in_scope"].to_numpy(dtype=bool),
        population=population,
        demand=demand,
        supply=supply,
        practitioners=practitioners,
        fte=fte,
        secret=secret,
        weights=weights,
        params=params,
        warnings=warnings,
    )


def compute(inputs: AplInputs, backend: str = "local", client=None) -> np.ndarray:
    """APL of every commune of the universe, in the unit of the profession."""
    raw = fca.e2sfca(inputs.weights, inputs.demand, inputs.supply, backend=backend, client=client)
    return raw * inputs.method.factor
