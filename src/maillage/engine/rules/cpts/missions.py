"""ACI CPTS: what each mission receives — deadlines, fixed part (advance and balance) and
variable part (indicators).

- Prorata of the first year of a mission: actual days from the mission start to the next
  anniversary / actual days of that contract year (365 or 366: "actual/actual" on the contract
  year, so a year containing 29 February has 366 days).
- Fixed part: at the mission start, advance = 75 % × annual fixed part × prorata; at each
  anniversary, the balance of the year just ended (due − advance) and, if the contract goes
  on, 75 % of the next year's fixed part. A mission starting on an anniversary gets a full year.
- Variable part of year k: Σ_i achievement_i × weight_i × variable envelope × prorata, paid at
  the dialogue de gestion (date in the contract, by default the anniversary ending year k).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from maillage.engine import formatting

from ..common import ParameterTrail, add_months, round_cents
from .model import (
    MISSION_LABELS,
    CptsContract,
    DueLine,
    Mission,
    Payment,
    first_year_prorata,
)


def check_deadlines(
    mission: Mission, sig: dt.date, trail: ParameterTrail, alerts: list[str]
) -> None:
    label = MISSION_LABELS.get(mission.code, mission.code)
    starts = trail.value("aci.cpts.missions.delai_demarrage", sig)
    deploys = trail.value("aci.cpts.missions.delai_deploiement", sig)
    if mission.code in starts:
        limit = add_months(sig, int(starts[mission.code]))
        if mission.start is None or mission.start > limit:
            alerts.append(
                f"Mission {label} : démarrage attendu au plus tard le {limit:%d/%m/%Y} "
                f"({starts[mission.code]} mois après la signature)."
            )
    if mission.code in deploys and mission.deployed is not None:
        limit = add_months(sig, int(deploys[mission.code]))
        if mission.deployed > limit:
            alerts.append(
                f"Mission {label} : déploiement attendu au plus tard le {limit:%d/%m/%Y} "
                f"({deploys[mission.code]} mois après la signature)."
            )


def mission_lines(
    mission: Mission,
    years: list[tuple[int, dt.date, dt.date]],
    advance_rate: Decimal,
    contract: CptsContract,
    due: list[DueLine],
    payments: list[Payment],
    alerts: list[str],
) -> None:
    label = MISSION_LABELS.get(mission.code, mission.code)
    if mission.start is None:
        return
    start = mission.start
    if start < years[0][1]:
        alerts.append(f"Mission {label} : démarrage avant la signature, ramené à la signature.")
        start = years[0][1]
    if start >= years[-1][2]:
        alerts.append(f"Mission {label} : démarrage après la fin du contrat, aucun versement.")
        return
    weights = sum((i.weight for i in mission.indicators), Decimal(0))
    if weights > 1:
        raise ValueError(f"mission {mission.code} : la somme des poids dépasse 1 ({weights})")
    if mission.variable > 0 and not mission.indicators:
        alerts.append(f"Mission {label} : part variable sans indicateur, non calculable.")
    for k, y_start, y_end in years:
        if y_end <= start:
            continue
        if start > y_start:
            prorata = first_year_prorata(start, y_start, y_end)
            days = f"prorata {(y_end - start).days}/{(y_end - y_start).days} jours"
            paid_on = start
        else:
            prorata, days, paid_on = Decimal(1), "année complète", y_start
        # Fixed part: due for the year, advance, balance at the anniversary ending the year.
        if mission.fixed > 0:
            _fixed_lines(
                mission, k, y_start, y_end, prorata, days, paid_on, advance_rate, due, payments
            )
        # Variable part, paid after the dialogue de gestion.
        if mission.variable > 0 and mission.indicators:
            amount, detail = _variable_amount(mission, k, prorata)
            due.append(DueLine(k, y_start, y_end, "part_variable", amount, mission.code, detail))
            paid = contract.dialogue_dates.get(k, y_end)
            payments.append(Payment(paid, k, "part_variable", amount, mission.code, detail))


def _fixed_lines(
    mission: Mission,
    k: int,
    y_start: dt.date,
    y_end: dt.date,
    prorata: Decimal,
    days: str,
    paid_on: dt.date,
    advance_rate: Decimal,
    due: list[DueLine],
    payments: list[Payment],
) -> None:
    fixed_due = round_cents(mission.fixed * prorata)
    advance = round_cents(advance_rate * mission.fixed * prorata)
    due.append(DueLine(k, y_start, y_end, "part_fixe", fixed_due, mission.code, days))
    payments.append(
        Payment(
            paid_on,
            k,
            "part_fixe_avance",
            advance,
            mission.code,
            f"{advance_rate * 100:.0f} % de la part fixe ({days})",
        )
    )
    payments.append(Payment(y_end, k, "part_fixe_solde", fixed_due - advance, mission.code, days))


def _variable_amount(mission: Mission, k: int, prorata: Decimal) -> tuple[Decimal | None, str]:
    missing = [f"« {i.label or i.code} »" for i in mission.indicators if k not in i.results]
    if missing:
        return None, "en attente des résultats : " + ", ".join(missing)
    total = Decimal(0)
    parts = []
    for ind in mission.indicators:
        rate = ind.achievement(k)
        total += rate * ind.weight
        achieved, weight = formatting.number(rate * 100, 1), formatting.number(ind.weight)
        parts.append(f"{ind.code} {achieved} % × poids {weight}")
    amount = round_cents(total * mission.variable * prorata)
    detail = "; ".join(parts)
    if prorata != 1:
        detail += f" ; prorata {formatting.number(prorata, 4)}"
    return amount, detail
