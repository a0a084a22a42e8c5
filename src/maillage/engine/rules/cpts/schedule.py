"""ACI CPTS: the payment schedule of a contract — amounts due per contract year, dated
payments, alerts, and the rules applied with their reasons.

The pieces: :mod:`.structure` (size, fonctionnement, start-up aid), :mod:`.missions` (fixed and
variable parts). Every line is rounded to the cent, half-up, at the end of its computation
(see ``docs/regles.md``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ..common import Explanation, ParameterTrail, dec, format_money, round_cents
from .missions import check_deadlines, mission_lines
from .model import (
    COMPONENT_LABELS,
    MISSION_LABELS,
    CptsContract,
    CptsSchedule,
    DueLine,
    Payment,
    contract_years,
)
from .structure import contract_size, fonctionnement, start_up_aid


def cpts_schedule(contract: CptsContract, trail: ParameterTrail | None = None) -> CptsSchedule:
    """Amounts due per contract year and payments with their dates for a CPTS contract."""
    trail = trail or ParameterTrail()
    sig = contract.signature
    alerts: list[str] = []
    size, size_rule = contract_size(contract, trail, alerts)
    duration = int(trail.value("aci.cpts.duree_contrat", sig))
    years = contract_years(sig, duration)

    advance_rate = dec(trail.value("aci.cpts.versement.avance_part_fixe", sig))
    due: list[DueLine] = []
    payments: list[Payment] = []
    start_up_aid(contract, size, trail, payments)
    structure_rules = fonctionnement(contract, size, years, trail, due, payments, alerts)

    # Missions.
    socle = trail.get("aci.cpts.missions.socle", sig)
    optional = trail.value("aci.cpts.missions.optionnelles", sig)
    texts = Explanation(
        "Règles du contrat",
        socle.reference.titre,
        f"texte en vigueur à la signature, le {sig:%d/%m/%Y} (depuis le {socle.start:%d/%m/%Y}) : "
        "il fixe les missions socle, les délais de démarrage et de déploiement et les montants "
        "de référence du contrat",
    )
    codes = [m.code for m in contract.missions]
    for code in socle.value:
        if code not in codes:
            alerts.append(f"Mission socle absente du contrat : {MISSION_LABELS.get(code, code)}.")
    for mission in contract.missions:
        if mission.code not in socle.value and mission.code not in optional:
            alerts.append(
                f"Mission « {mission.code} » : ni socle ni optionnelle au {sig:%d/%m/%Y}."
            )
        check_deadlines(mission, sig, trail, alerts)
        mission_lines(mission, years, advance_rate, contract, due, payments, alerts)

    _ceilings(contract, size, years, trail, due, alerts)
    member_caps = _member_caps(contract, trail, alerts)
    payments.sort(key=lambda p: (p.date, p.year, _component_order(p.component), p.mission or ""))
    due.sort(key=lambda d: (d.year, d.mission or "", _component_order(d.component)))
    explanations = [texts, size_rule, *structure_rules]
    return CptsSchedule(
        contract, size, years, due, payments, alerts, member_caps, trail, explanations
    )


def _ceilings(
    contract: CptsContract,
    size: int,
    years: list[tuple[int, dt.date, dt.date]],
    trail: ParameterTrail,
    due: list[DueLine],
    alerts: list[str],
) -> None:
    """Yearly and per-mission ceilings (alerts only: contract amounts are data negotiated
    locally)."""
    sig = contract.signature
    over: dict[tuple[Decimal, Any, bool], list[int]] = {}
    for k, start, _end in years:
        total = sum((m.fixed + m.variable for m in contract.missions), Decimal(0))
        fonct = next(d.amount for d in due if d.year == k and d.component == "fonctionnement")
        total += fonct or Decimal(0)
        try:
            ceiling = trail.get("aci.cpts.plafond_annuel", start, size)
        except LookupError:
            continue
        if total > dec(ceiling.value):
            over.setdefault((total, ceiling.value, ceiling.verifie), []).append(k)
    for (total, ceiling, verified), ks in over.items():
        which = f"Année {ks[0]}" if len(ks) == 1 else "Années " + ", ".join(map(str, ks))
        alerts.append(
            f"{which} : montant annuel du contrat à 100 % ({format_money(total)}, fonctionnement "
            f"compris) supérieur au plafond national de la taille {size} "
            f"({format_money(dec(ceiling))}{'' if verified else ', valeur non vérifiée'})."
        )
    for mission in contract.missions:
        name = f"aci.cpts.missions.montant_total.{mission.code}"
        if name not in trail.params:
            continue
        try:
            total = trail.get(name, sig, size)
        except LookupError:
            continue
        if mission.fixed + mission.variable > dec(total.value):
            alerts.append(
                f"Mission {MISSION_LABELS.get(mission.code, mission.code)} : "
                f"{format_money(mission.fixed + mission.variable)} par an, au-delà du montant "
                f"national de référence ({format_money(dec(total.value))} pour la taille {size})."
            )


def _component_order(component: str) -> int:
    return list(COMPONENT_LABELS).index(component)


def _member_caps(
    contract: CptsContract, trail: ParameterTrail, alerts: list[str]
) -> list[dict[str, Any]]:
    rows = []
    for year in sorted(contract.member_payments):
        # PASS of the calendar year; the cap applies to a year if in force on 31 December.
        try:
            multiple = trail.value("aci.cpts.plafond_remuneration_membre", dt.date(year, 12, 31))
            cap = round_cents(
                dec(trail.value("securite_sociale.pass", dt.date(year, 1, 1))) * dec(multiple)
            )
        except LookupError as exc:
            alerts.append(
                f"{year} : plafonnement des sommes versées aux membres non calculé ({exc})."
            )
            continue
        for member, amount in sorted(contract.member_payments[year].items()):
            excess = max(Decimal(0), round_cents(amount) - cap)
            rows.append(
                {
                    "annee": year,
                    "membre": member,
                    "montant": round_cents(amount),
                    "plafond": cap,
                    "depassement": excess,
                    "montant_plafonne": round_cents(amount) - excess,
                }
            )
            if excess > 0:
                alerts.append(
                    f"{year} : les sommes versées à « {member} » "
                    f"({format_money(round_cents(amount))}) dépassent le plafond annuel "
                    f"({format_money(cap)}) de {format_money(excess)}."
                )
    return rows
