"""Computation of a contract file into a JSON-ready report (used by the CLI, later the web)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from .common import ParameterTrail, money_json
from .contract import ContractError, contract_type, parse_cpts_contract, parse_msp_contract
from .cpts import COMPONENT_LABELS, MISSION_LABELS, cpts_schedule
from .loader import ParameterSet, load_parameters
from .msp import CATEGORY_LABELS, msp_remuneration


def compute_contract(
    raw: Mapping[str, Any], year: int | None = None, params: ParameterSet | None = None
) -> dict[str, Any]:
    """Compute a parsed contract JSON object; ``year`` restricts to one calendar year
    (CPTS: contract years overlapping it and payments dated in it; MSP: that exercise)."""
    params = params or load_parameters()
    if contract_type(raw) == "cpts":
        return _cpts_report(raw, year, params)
    return _msp_report(raw, year, params)


def _cpts_report(raw: Mapping[str, Any], year: int | None, params: ParameterSet) -> dict:
    contract = parse_cpts_contract(raw)
    trail = ParameterTrail(params=params)
    try:
        schedule = cpts_schedule(contract, trail)
    except (ValueError, LookupError) as exc:
        raise ContractError("contrat", str(exc)) from exc
    lines = schedule.due
    payments = schedule.payments
    caps = schedule.member_caps
    alerts = schedule.alerts
    explanations = schedule.explanations
    if year is not None:
        first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
        lines = [d for d in lines if d.start <= last and d.end > first]
        in_year = {d.year for d in lines} | {p.year for p in payments if p.date.year == year}
        explanations = [e for e in explanations if not e.years or in_year & set(e.years)]
        payments = [p for p in payments if p.date.year == year]
        caps = [c for c in caps if c["annee"] == year]
        # Member-cap alerts start with their calendar year: keep only the requested one.
        alerts = [
            a for a in alerts if not (a[:4].isdigit() and a[4:7] == " : " and int(a[:4]) != year)
        ]
    known = [p.amount for p in payments if p.amount is not None]
    return {
        "type": "cpts",
        "nom": contract.name,
        "taille": schedule.size,
        "population": contract.population,
        "date_signature": contract.signature.isoformat(),
        "annee_civile": year,
        "annees_contrat": [
            {"annee": k, "debut": s.isoformat(), "fin": (e - dt.timedelta(days=1)).isoformat()}
            for k, s, e in schedule.years
        ],
        "lignes": [
            {
                "annee_contrat": d.year,
                "debut": d.start.isoformat(),
                "fin": (d.end - dt.timedelta(days=1)).isoformat(),
                "mission": d.mission,
                "mission_libelle": MISSION_LABELS.get(d.mission or "", "Structure"),
                "composante": d.component,
                "composante_libelle": COMPONENT_LABELS[d.component],
                "montant": money_json(d.amount),
                "detail": d.detail,
            }
            for d in lines
        ],
        "versements": [
            {
                "date": p.date.isoformat(),
                "annee_contrat": p.year,
                "mission": p.mission,
                "mission_libelle": MISSION_LABELS.get(p.mission or "", "Structure"),
                "composante": p.component,
                "composante_libelle": COMPONENT_LABELS[p.component],
                "montant": money_json(p.amount),
                "detail": p.detail,
            }
            for p in payments
        ],
        "total_versements": money_json(sum(known, Decimal(0))),
        "versements_en_attente": sum(p.amount is None for p in payments),
        "plafonnement_membres": [
            {k: money_json(v) if isinstance(v, Decimal) else v for k, v in row.items()}
            for row in caps
        ],
        "alertes": alerts,
        "explications": [e.to_dict() for e in explanations],
        "statut": "verifie" if trail.all_verified else "non_verifie",
        "parametres": trail.to_list(),
    }


def _msp_report(raw: Mapping[str, Any], year: int | None, params: ParameterSet) -> dict:
    name, years = parse_msp_contract(raw)
    if year is not None:
        years = [y for y in years if y.year == year]
        if not years:
            raise ContractError("exercices", f"aucun exercice {year} dans le contrat")
    trail = ParameterTrail(params=params)
    exercises = []
    alerts = []
    explanations = []
    for msp in years:
        try:
            result = msp_remuneration(msp, trail)
        except (ValueError, LookupError) as exc:
            raise ContractError("exercices", str(exc)) from exc
        alerts += [f"{msp.year} : {a}" for a in result.alerts]
        explanations += [e.to_dict() for e in result.explanations]
        exercises.append(
            {
                "annee": msp.year,
                "patientele": msp.patientele,
                "patientele_avance": msp.patientele_advance,
                "prerequis_remplis": result.prerequisites_met,
                "lignes": [
                    {
                        "critere": line.criterion.code,
                        "libelle": line.criterion.label,
                        "categorie": line.criterion.category,
                        "categorie_libelle": CATEGORY_LABELS[line.criterion.category],
                        "points_fixes": float(line.criterion.fixed_points),
                        "points_variables": float(line.criterion.variable_points),
                        "taux_atteinte": float(line.criterion.achieved),
                        "montant_fixe": money_json(line.fixed_amount),
                        "montant_variable": money_json(line.variable_amount),
                        "montant": money_json(line.amount),
                    }
                    for line in result.lines
                ],
                "total": money_json(result.total),
                "avance": money_json(result.advance),
                "solde": money_json(result.balance),
                "versements": [
                    {
                        **p,
                        "date": p["date"].isoformat() if p["date"] else None,
                        "montant": money_json(p["montant"]),
                    }
                    for p in result.payments
                ],
            }
        )
    return {
        "type": "msp",
        "nom": name,
        "annee_civile": year,
        "exercices": exercises,
        "alertes": alerts,
        "explications": explanations,
        "statut": "verifie" if trail.all_verified else "non_verifie",
        "parametres": trail.to_list(),
    }
