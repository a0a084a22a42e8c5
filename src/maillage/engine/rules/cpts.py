"""ACI CPTS: size, fonctionnement, indicator achievement and the payment schedule of a contract.

Conventions (see ``docs/regles.md``):

- Contract year k (1-based) runs from anniversary k-1 (the signature for k = 1) included to
  anniversary k excluded. A contract lasts ``aci.cpts.duree_contrat`` years.
- Prorata of the first year of a mission: actual days from the mission start to the next
  anniversary / actual days of that contract year (365 or 366: "actual/actual" on the contract
  year, so a year containing 29 February has 366 days).
- Fixed part: at the mission start, advance = 75 % × annual fixed part × prorata; at each
  anniversary, the balance of the year just ended (due − advance) and, if the contract goes
  on, 75 % of the next year's fixed part. A mission starting on an anniversary gets a full year.
- Variable part of year k: Σ_i achievement_i × weight_i × variable envelope × prorata, paid at
  the dialogue de gestion (date in the contract, by default the anniversary ending year k).
- Fonctionnement: paid in full at signature for year 1 (ACI 2019 art. 9.1), then at each
  anniversary for the next year. Start-up aid at the ARS validation of the lettre d'intention.
- Every line is rounded to the cent, half-up, at the end of its computation.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .common import ParameterTrail, add_months, add_years, dec, format_money, round_cents

MISSION_LABELS = {
    "acces_aux_soins": "Accès aux soins",
    "parcours_pluriprofessionnels": "Parcours pluriprofessionnels",
    "prevention": "Prévention",
    "crises_sanitaires": "Crises sanitaires graves",
    "qualite_pertinence": "Qualité et pertinence des soins",
    "accompagnement_professionnels": "Accompagnement des professionnels de santé",
}

COMPONENT_LABELS = {
    "aide_demarrage": "Aide au démarrage",
    "fonctionnement": "Fonctionnement",
    "part_fixe_avance": "Part fixe : avance",
    "part_fixe_solde": "Part fixe : solde",
    "part_fixe": "Part fixe",
    "part_variable": "Part variable",
}


# ---------------------------------------------------------------------------------------------
# Size and fonctionnement


def cpts_size(population: int, at: dt.date, trail: ParameterTrail | None = None) -> int:
    """CPTS size (1–4) of a covered population, at a date.

    Boundary rule from ``aci.cpts.tailles.regle_bornes`` (default: lower bound included:
    p < 40 000 → 1; 40 000 ≤ p < 80 000 → 2; 80 000 ≤ p < 175 000 → 3; p ≥ 175 000 → 4).
    """
    if isinstance(population, bool) or not isinstance(population, int) or population < 0:
        raise ValueError(f"population : entier positif attendu, reçu {population!r}")
    trail = trail or ParameterTrail()
    thresholds = trail.value("aci.cpts.tailles.seuils", at)
    rule = trail.value("aci.cpts.tailles.regle_bornes", at)
    if rule == "borne_inferieure_incluse":
        return 1 + sum(population >= t for t in thresholds)
    if rule == "borne_superieure_incluse":
        return 1 + sum(population > t for t in thresholds)
    raise ValueError(f"aci.cpts.tailles.regle_bornes : règle inconnue {rule!r}")


def cpts_fonctionnement(size: int, at: dt.date, trail: ParameterTrail | None = None) -> Decimal:
    """Annual fonctionnement amount (€) of a CPTS of ``size`` at ``at``."""
    _check_size(size)
    trail = trail or ParameterTrail()
    return dec(trail.value("aci.cpts.fonctionnement", at, size))


def _check_size(size: Any) -> None:
    if isinstance(size, bool) or size not in (1, 2, 3, 4):
        raise ValueError(f"taille : 1, 2, 3 ou 4 attendu, reçu {size!r}")


# ---------------------------------------------------------------------------------------------
# Indicators


@dataclass(frozen=True)
class Level:
    """An intermediate level: reaching ``value`` earns ``rate`` of the indicator."""

    value: Decimal
    rate: Decimal


@dataclass(frozen=True)
class Indicator:
    code: str
    weight: Decimal
    baseline: Decimal
    objective: Decimal
    levels: tuple[Level, ...] = ()
    results: Mapping[int, Decimal] = field(default_factory=dict)  # contract year → result
    mode: str = "lineaire"  # or "paliers"
    label: str = ""
    # Yearly objectives negotiated in the contract (contract year → objective); a year without
    # one uses ``objective`` (the objective at the end of the contract).
    objectives: Mapping[int, Decimal] = field(default_factory=dict)

    def objective_for(self, year: int) -> Decimal:
        return self.objectives.get(year, self.objective)

    def levels_for(self, year: int) -> tuple[Level, ...]:
        """Intermediate levels usable against the objective of ``year``: those strictly
        between the baseline and that objective (a yearly objective below a level drops it)."""
        goal = self.objective_for(year)
        lo, hi = min(self.baseline, goal), max(self.baseline, goal)
        return tuple(lv for lv in self.levels if lo < lv.value < hi)


def achievement_rate(
    baseline: Any,
    objective: Any,
    result: Any,
    levels: Sequence[Level] = (),
    mode: str = "lineaire",
) -> Decimal:
    """Achievement rate in [0, 1] of ``result`` between ``baseline`` (0) and ``objective`` (1).

    ``levels`` are intermediate (value, rate) points. ``lineaire``: piecewise-linear between
    (baseline, 0), the levels and (objective, 1). ``paliers``: the rate of the highest point
    reached (baseline 0, levels, objective 1). Works for decreasing indicators (objective below
    baseline). Capped to 0..1.
    """
    base, goal, res = dec(baseline), dec(objective), dec(result)
    if base == goal:
        raise ValueError("indicateur : l'objectif doit différer de la valeur initiale")
    sign = 1 if goal > base else -1
    # Progress measured in the direction of the objective.
    points = [(Decimal(0), Decimal(0))]
    for level in levels:
        points.append((sign * (dec(level.value) - base), dec(level.rate)))
    points.append((sign * (goal - base), Decimal(1)))
    points.sort()
    for (x0, y0), (x1, y1) in itertools.pairwise(points):
        if x1 <= x0 or y1 < y0:
            raise ValueError(
                "indicateur : paliers incohérents (valeurs strictement entre la valeur initiale "
                "et l'objectif, taux croissants entre 0 et 1)"
            )
    progress = sign * (res - base)
    if progress <= 0:
        return Decimal(0)
    if progress >= points[-1][0]:
        return Decimal(1)
    if mode == "paliers":
        reached = [y for x, y in points if x <= progress]
        return reached[-1]
    if mode != "lineaire":
        raise ValueError(f"indicateur : mode {mode!r} inconnu (lineaire ou paliers)")
    for (x0, y0), (x1, y1) in itertools.pairwise(points):
        if x0 <= progress <= x1:
            rate = y0 + (y1 - y0) * (progress - x0) / (x1 - x0)
            return min(Decimal(1), max(Decimal(0), rate))
    return Decimal(1)  # pragma: no cover - unreachable


# ---------------------------------------------------------------------------------------------
# Contract and schedule


@dataclass(frozen=True)
class Mission:
    code: str
    start: dt.date | None  # None: not started
    fixed: Decimal  # annual fixed part
    variable: Decimal  # annual variable envelope (100 % achievement)
    indicators: tuple[Indicator, ...] = ()
    deployed: dt.date | None = None


@dataclass(frozen=True)
class CptsContract:
    name: str
    signature: dt.date
    missions: tuple[Mission, ...]
    size: int | None = None
    population: int | None = None
    fonctionnement: Mapping[int, Decimal] | Decimal | None = None  # override, per year or all
    letter_validated: dt.date | None = None  # ARS validation of the lettre d'intention
    dialogue_dates: Mapping[int, dt.date] = field(default_factory=dict)
    member_payments: Mapping[int, Mapping[str, Decimal]] = field(default_factory=dict)


@dataclass(frozen=True)
class DueLine:
    """Amount due for one contract year and one component."""

    year: int
    start: dt.date
    end: dt.date  # exclusive
    component: str
    amount: Decimal | None  # None: pending (indicator results not known yet)
    mission: str | None = None
    detail: str = ""


@dataclass(frozen=True)
class Payment:
    date: dt.date
    year: int  # contract year the payment belongs to (0: before the contract)
    component: str
    amount: Decimal | None
    mission: str | None = None
    detail: str = ""


@dataclass
class CptsSchedule:
    contract: CptsContract
    size: int
    years: list[tuple[int, dt.date, dt.date]]  # (k, start, end exclusive)
    due: list[DueLine]
    payments: list[Payment]
    alerts: list[str]
    member_caps: list[dict[str, Any]]
    trail: ParameterTrail


def contract_years(signature: dt.date, duration: int) -> list[tuple[int, dt.date, dt.date]]:
    return [
        (k, add_years(signature, k - 1), add_years(signature, k)) for k in range(1, duration + 1)
    ]


def first_year_prorata(start: dt.date, year_start: dt.date, year_end: dt.date) -> Decimal:
    """Actual days from ``start`` to ``year_end`` / actual days of the contract year."""
    return Decimal((year_end - start).days) / Decimal((year_end - year_start).days)


def cpts_schedule(contract: CptsContract, trail: ParameterTrail | None = None) -> CptsSchedule:
    """Amounts due per contract year and payments with their dates for a CPTS contract."""
    trail = trail or ParameterTrail()
    sig = contract.signature
    alerts: list[str] = []
    if contract.size is not None:
        _check_size(contract.size)
        size = contract.size
        if contract.population is not None and cpts_size(contract.population, sig, trail) != size:
            alerts.append(
                f"La taille du contrat ({size}) diffère de celle que donne la population "
                f"({contract.population} habitants)."
            )
    elif contract.population is not None:
        size = cpts_size(contract.population, sig, trail)
    else:
        raise ValueError("taille ou population : l'une des deux est requise")
    duration = int(trail.value("aci.cpts.duree_contrat", sig))
    years = contract_years(sig, duration)

    advance_rate = dec(trail.value("aci.cpts.versement.avance_part_fixe", sig))
    due: list[DueLine] = []
    payments: list[Payment] = []

    # Start-up aid.
    if contract.letter_validated is not None:
        amount = round_cents(
            dec(trail.value("aci.cpts.aide_demarrage", contract.letter_validated, size))
        )
        detail = f"validation de la lettre d'intention, taille {size}"
        payments.append(
            Payment(contract.letter_validated, 0, "aide_demarrage", amount, None, detail)
        )

    # Fonctionnement: year 1 at signature, then at each anniversary.
    for k, start, end in years:
        amount, detail = _fonctionnement_amount(contract, k, size, start, trail)
        due.append(DueLine(k, start, end, "fonctionnement", amount, None, detail))
        payments.append(Payment(start, k, "fonctionnement", amount, None, detail))

    # Missions.
    socle = trail.value("aci.cpts.missions.socle", sig)
    optional = trail.value("aci.cpts.missions.optionnelles", sig)
    codes = [m.code for m in contract.missions]
    for code in socle:
        if code not in codes:
            alerts.append(f"Mission socle absente du contrat : {MISSION_LABELS.get(code, code)}.")
    for mission in contract.missions:
        if mission.code not in socle and mission.code not in optional:
            alerts.append(
                f"Mission « {mission.code} » : ni socle ni optionnelle au {sig:%d/%m/%Y}."
            )
        _check_deadlines(mission, sig, trail, alerts)
        _mission_lines(mission, years, advance_rate, contract, due, payments, alerts)

    # Yearly ceilings (alerts only: contract amounts are data negotiated locally).
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

    member_caps = _member_caps(contract, trail, alerts)
    payments.sort(key=lambda p: (p.date, p.year, _component_order(p.component), p.mission or ""))
    due.sort(key=lambda d: (d.year, d.mission or "", _component_order(d.component)))
    return CptsSchedule(contract, size, years, due, payments, alerts, member_caps, trail)


def _component_order(component: str) -> int:
    return list(COMPONENT_LABELS).index(component)


def _fonctionnement_amount(
    contract: CptsContract, k: int, size: int, start: dt.date, trail: ParameterTrail
) -> tuple[Decimal, str]:
    override = contract.fonctionnement
    if isinstance(override, Mapping) and k in override:
        return round_cents(override[k]), "montant fixé par le contrat"
    if override is not None and not isinstance(override, Mapping):
        return round_cents(override), "montant fixé par le contrat"
    amount = cpts_fonctionnement(size, start, trail)
    return round_cents(amount), f"montant national, taille {size}"


def _check_deadlines(
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


def _mission_lines(
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
    missing = [i.code for i in mission.indicators if k not in i.results]
    if missing:
        return None, "en attente des résultats : " + ", ".join(missing)
    total = Decimal(0)
    parts = []
    for ind in mission.indicators:
        rate = achievement_rate(
            ind.baseline, ind.objective_for(k), ind.results[k], ind.levels_for(k), ind.mode
        )
        total += rate * ind.weight
        parts.append(f"{ind.code} {_fr(rate * 100, 1)} % × poids {_fr(ind.weight)}")
    amount = round_cents(total * mission.variable * prorata)
    detail = "; ".join(parts)
    if prorata != 1:
        detail += f" ; prorata {_fr(prorata, 4)}"
    return amount, detail


def _fr(value: Decimal, places: int | None = None) -> str:
    text = f"{value:.{places}f}" if places is not None else f"{value.normalize():f}"
    return text.replace(".", ",")


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
