"""« What if » scenarios on a stored APL: adding or removing FTE, candidate communes, MSP FTE."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from maillage.engine import parameters
from maillage.engine.accessibility import demand as demands
from maillage.engine.accessibility import whatif
from maillage.engine.indicators.secrecy import protect
from maillage.web.secrecy import policy as secrecy_policy
from maillage.web.supply.models import Activity, Structure
from maillage.web.territories.models import Commune

from ..models import AplRun, Profession
from .inputs import load_inputs
from .methods import Scope, check_profession
from .reading import latest_year
from .storage import simulate

# --- Scenarios -------------------------------------------------------------------------------


def run_parameters(profession: str, annee: int, scope: Scope) -> tuple[dt.date, str | None]:
    """Date of parameters and travel-time file of the stored run (defaults otherwise)."""
    run = AplRun.objects.filter(profession=profession, annee=annee, perimetre=scope.key).first()
    if run is None:
        return dt.date(annee, 12, 31), None
    on = dt.date.fromisoformat(run.parametres.get("date_parametres", f"{annee}-12-31"))
    travel = run.parametres.get("temps", {})
    path = travel.get("chemin") if travel.get("source") == "fichier" else None
    if path and not Path(path).exists():
        path = None
    return on, path


def msp_fte(structure: Structure, profession: str) -> float:
    """FTE of the practitioners of ``profession`` practising at an MSP's site, protected like
    a commune cell: between 1 and seuil − 1 practitioners count as the MSP's fixed stand-in
    number at the nominal FTE (the scenario publishes the APL change it causes)."""
    sites = {structure.identifiant, structure.etablissement_id} - {None, ""}
    fte = dict(
        Activity.objects.filter(
            finess_site__in=sites,
            professional__categorie=profession,
            professional__actif=True,
        ).values_list("professional_id", "professional__etp")
    )
    values = np.array([np.nan if v is None else v for v in fte.values()], dtype=float)
    _, counted, _ = demands.practitioner_activity(np.full(values.size, np.nan), values, True)
    pol = secrecy_policy()
    cells = protect(
        np.array([float(len(fte))]),
        lambda _positions: [f"msp|{profession}|{structure.kind}:{structure.identifiant}"],
        pol.seuil,
        pol.key,
    )
    total = np.array([counted.sum()])
    _, protected = demands.protect_supply(total, total, cells, in_fte=True)
    return float(protected[0])


def scenario(
    profession: str,
    departement: str,
    changes: dict[str, float],
    annee: int | None = None,
    on: dt.date | None = None,
) -> dict:
    """APL and simulated zone before / after adding or removing FTE in some communes.

    ``changes`` maps commune codes to a change in FTE (negative: departures). Recomputed
    incrementally: only communes in reach of a changed commune are recomputed.
    """
    profession = check_profession(profession)
    annee = annee or latest_year(profession) or dt.date.today().year
    scope = Scope.of(departement)
    run_on, travel = run_parameters(profession, annee, scope)
    inputs = load_inputs(profession, annee, scope, travel, run_on)
    on = on or run_on
    index = pd.Index(inputs.codes)
    positions = index.get_indexer(list(changes))
    if (positions < 0).any():
        unknown = [c for c, p in zip(changes, positions, strict=True) if p < 0]
        raise ValueError(f"commune(s) hors du périmètre : {', '.join(unknown)}")
    method = inputs.method
    unit = 1.0 if method.supply_in_fte else float(parameters.value("apl.supply.acts_per_fte", on))
    delta = np.array(list(changes.values()), dtype=float) * unit
    new_supply = np.maximum(0.0, inputs.supply[positions] + delta)
    state = whatif.prepare(inputs.weights, inputs.demand, inputs.supply)
    new_state, changed = whatif.change_supply(state, positions, new_supply)
    before = state.accessibility * method.factor
    after = new_state.accessibility * method.factor
    mask = inputs.in_scope
    scope_codes = inputs.codes[mask]
    zones_before = simulate(profession, scope_codes, before[mask], inputs.population[mask], on)
    zones_after = simulate(profession, scope_codes, after[mask], inputs.population[mask], on)
    scope_position = np.full(inputs.codes.size, -1)
    scope_position[np.flatnonzero(mask)] = np.arange(mask.sum())
    names = dict(
        Commune.objects.filter(code__in=inputs.codes[changed].tolist()).values_list("code", "nom")
    )
    rows = []
    order = changed[np.argsort(-(after[changed] - before[changed]), kind="stable")]
    for i in order.tolist():
        k = scope_position[i]
        rows.append(
            {
                "code": inputs.codes[i],
                "nom": names.get(inputs.codes[i], ""),
                "population": float(inputs.population[i]),
                "dans_perimetre": bool(mask[i]),
                "apl_avant": float(before[i]),
                "apl_apres": float(after[i]),
                "variation": float(after[i] - before[i]),
                "zone_avant": zones_before.zones[k] if k >= 0 else None,
                "zone_apres": zones_after.zones[k] if k >= 0 else None,
            }
        )
    return {
        "nature": "simulation",
        "profession": profession,
        "annee": annee,
        "departement": departement,
        "date_regles": on.isoformat(),
        "unite": method.unit,
        "changements": [{"commune": c, "etp": float(v)} for c, v in changes.items()],
        "communes_recalculees": int(changed.size),
        "communes_total": int(inputs.codes.size),
        "communes": rows,
        "parametres_zonage": zones_after.used,
        "temps": inputs.params.get("temps", {}),
    }


def candidates(
    departement: str,
    annee: int | None = None,
    limit: int = 10,
    profession: str = Profession.MEDECIN,
) -> dict:
    """Communes where one more FTE would fill most of the shortfall under the ZIP threshold."""
    profession = check_profession(profession)
    annee = annee or latest_year(profession) or dt.date.today().year
    scope = Scope.of(departement)
    on, travel = run_parameters(profession, annee, scope)
    inputs = load_inputs(profession, annee, scope, travel, on)
    state = whatif.prepare(inputs.weights, inputs.demand, inputs.supply)
    method = inputs.method
    if method.supply_in_fte:
        raise ValueError("classement des candidates : disponible pour les médecins généralistes")
    threshold = float(parameters.value("apl.zoning.threshold_zip", on))
    added = float(parameters.value("apl.supply.acts_per_fte", on))
    order, gain = whatif.rank_candidates(
        state, population=inputs.population, added_supply=added, threshold=threshold
    )
    order = order[inputs.in_scope[order] & (gain[order] > 0)][:limit]
    names = dict(
        Commune.objects.filter(code__in=inputs.codes[order].tolist()).values_list("code", "nom")
    )
    return {
        "nature": "simulation",
        "profession": profession,
        "annee": annee,
        "departement": departement,
        "seuil": threshold,
        "ajout_actes": added,
        "communes": [
            {
                "rang": rank + 1,
                "code": inputs.codes[j],
                "nom": names.get(inputs.codes[j], ""),
                "apl": float(state.accessibility[j]),
                "gain": float(gain[j]),
            }
            for rank, j in enumerate(order.tolist())
        ],
    }


def structures_msp(departement: str) -> list[Structure]:
    return list(
        Structure.objects.filter(
            kind=Structure.Kind.MSP, commune__departement_id=departement
        ).order_by("nom")
    )
