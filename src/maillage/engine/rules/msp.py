"""ACI MSP: yearly remuneration of a maison de santé pluriprofessionnelle.

``point value × Σ_criteria (fixed points × achieved + variable points × patientèle / 4 000 ×
achieved)``. If any "socle prérequis" criterion is not fully met, nothing is paid. An advance
of 60 % of what 100 % achievement of the socle criteria (prérequis included) would pay, on the
patientèle at 31 December n-1, is paid during year n; the balance (final amount − advance,
negative when the advance exceeded the final amount) is due by 30 April n+1 after the proofs
sent by 31 January n+1. Each line is rounded to the cent, half-up.

The rules of exercise n are those in force on 31 December n, when the exercise closes: the
accord approved on 24 July 2017 governs the whole of 2017 (its first exercise), and an avenant
in force on 1 January applies from that year's exercise.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .common import Explanation, ParameterTrail, dec, format_money, round_cents

CATEGORIES = ("prerequis", "socle", "optionnel")
CATEGORY_LABELS = {"prerequis": "socle prérequis", "socle": "socle", "optionnel": "optionnel"}


@dataclass(frozen=True)
class Criterion:
    code: str
    category: str  # prerequis | socle | optionnel
    fixed_points: Decimal
    variable_points: Decimal
    achieved: Decimal  # 0..1
    label: str = ""


@dataclass(frozen=True)
class MspYear:
    year: int
    patientele: int  # médecin-traitant patients of the associate doctors, for the final amount
    criteria: tuple[Criterion, ...]
    patientele_advance: int | None = None  # at 31 December n-1; defaults to ``patientele``
    advance_date: dt.date | None = None  # set by the CPAM; not fixed by the texts encoded


@dataclass(frozen=True)
class MspLine:
    criterion: Criterion
    fixed_amount: Decimal
    variable_amount: Decimal
    amount: Decimal


@dataclass
class MspResult:
    year: int
    prerequisites_met: bool
    lines: list[MspLine]
    total: Decimal
    advance: Decimal
    balance: Decimal
    payments: list[dict[str, Any]]
    alerts: list[str]
    trail: ParameterTrail
    explanations: list[Explanation] = field(default_factory=list)


def rules_date(year: int) -> dt.date:
    """Date of the rules of exercise ``year``: its last day (see the module's docstring)."""
    return dt.date(year, 12, 31)


def msp_remuneration(msp: MspYear, trail: ParameterTrail | None = None) -> MspResult:
    """Remuneration of one MSP for calendar year ``msp.year``."""
    trail = trail or ParameterTrail()
    at = rules_date(msp.year)
    point_value = trail.get("aci.msp.valeur_point", at)
    point = dec(point_value.value)
    reference = dec(trail.value("aci.msp.patientele_reference", at))
    capped = bool(trail.value("aci.msp.part_variable_plafonnee", at))
    advance_rate = dec(trail.value("aci.msp.taux_avance", at))
    alerts: list[str] = []
    for c in msp.criteria:
        if c.category not in CATEGORIES:
            raise ValueError(f"critère {c.code} : catégorie {c.category!r} inconnue")
        if not Decimal(0) <= c.achieved <= 1:
            raise ValueError(f"critère {c.code} : taux d'atteinte entre 0 et 1 attendu")
    unmet = [c.code for c in msp.criteria if c.category == "prerequis" and c.achieved < 1]
    prerequisites_met = not unmet
    if unmet:
        alerts.append(
            "Critères socle prérequis non remplis (" + ", ".join(unmet) + ") : aucune "
            "rémunération n'est due pour l'année."
        )

    def ratio(patientele: int) -> Decimal:
        value = Decimal(patientele) / reference
        return min(value, Decimal(1)) if capped else value

    lines = []
    for c in msp.criteria:
        achieved = c.achieved if prerequisites_met else Decimal(0)
        fixed = point * c.fixed_points * achieved
        variable = point * c.variable_points * ratio(msp.patientele) * achieved
        lines.append(
            MspLine(c, round_cents(fixed), round_cents(variable), round_cents(fixed + variable))
        )
    total = sum((line.amount for line in lines), Decimal(0))

    patientele_adv = msp.patientele if msp.patientele_advance is None else msp.patientele_advance
    socle_full = sum(
        (
            point * (c.fixed_points + c.variable_points * ratio(patientele_adv))
            for c in msp.criteria
            if c.category in ("prerequis", "socle")
        ),
        Decimal(0),
    )
    advance = round_cents(advance_rate * socle_full) if prerequisites_met else Decimal("0.00")
    balance = total - advance
    proofs = trail.value("aci.msp.echeance_justificatifs", at)
    balance_by = trail.value("aci.msp.echeance_solde", at)
    proofs_date = dt.date.fromisoformat(f"{msp.year + 1}-{proofs}")
    balance_date = dt.date.fromisoformat(f"{msp.year + 1}-{balance_by}")
    if balance < 0:
        alerts.append(
            f"L'avance ({advance} €) dépasse la rémunération définitive ({total} €) : "
            f"{-balance} € à régulariser."
        )
    payments = [
        {
            "date": msp.advance_date,
            "composante": "avance",
            "montant": advance,
            "detail": f"{advance_rate * 100:.0f} % du socle à 100 %, patientèle {patientele_adv} "
            f"au 31/12/{msp.year - 1}"
            + ("" if msp.advance_date else " ; date de versement fixée par la CPAM"),
        },
        {
            "date": balance_date,
            "composante": "solde",
            "montant": balance,
            "detail": f"au plus tard le {balance_date:%d/%m/%Y}, après envoi des justificatifs "
            f"avant le {proofs_date:%d/%m/%Y}",
        },
    ]
    explanation = Explanation(
        f"Exercice {msp.year}",
        f"valeur du point {format_money(point)} ({point_value.reference.titre}, en vigueur "
        f"depuis le {point_value.start:%d/%m/%Y}) ; patientèle de référence {reference}",
        f"règles en vigueur au {at:%d/%m/%Y}, clôture de l'exercice : elles s'appliquent à "
        "toute l'année"
        + ("" if prerequisites_met else " ; critères socle prérequis non remplis : rien n'est dû"),
    )
    return MspResult(
        msp.year,
        prerequisites_met,
        lines,
        total,
        advance,
        balance,
        payments,
        alerts,
        trail,
        [explanation],
    )
