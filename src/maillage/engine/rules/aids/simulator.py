"""Installation-aid simulator: which aids a professional can get in a zone at a date.

Every amount, zone list and date comes from the dated parameters; each aid function only
encodes who is eligible to what. Each aid carries the parameters it used (value, dates,
reference, status), and its status is "non_verifie" as soon as one of them is. An aid that
exists at the date but does not apply is listed with its reason.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from ...vocabulary import (
    GP,
    NURSE,
    PHYSIOTHERAPIST,
    PROFESSION_LABELS,
    normalize_profession,
    zones_of,
)
from ..values import NoValueAtDate, ParameterSet
from . import doctors_2024, state
from .doctors_2016 import contracts_2016
from .model import Aid, AidRules, Project, Refusal
from .paramedical import nurse_installation, physiotherapist_installation

AidFunction = Callable[[str, Project, AidRules], "Aid | Refusal"]

#: The aids of each profession besides the 2016 contracts of doctors, in display order.
AIDS_BY_PROFESSION: dict[str, Sequence[AidFunction]] = {
    GP: (*doctors_2024.AIDS, *state.AIDS),
    PHYSIOTHERAPIST: (physiotherapist_installation,),
    NURSE: (nurse_installation,),
}


@dataclass
class AidSimulation:
    profession: str
    zone: str
    at: dt.date
    project: Project
    aids: list[Aid]
    not_eligible: list[dict[str, str]]
    notes: list[str]

    def to_dict(self) -> dict[str, Any]:
        return {
            "profession": self.profession,
            "zone": self.zone,
            "date": self.at.isoformat(),
            "aides": [a.to_dict() for a in self.aids],
            "non_eligibles": self.not_eligible,
            "remarques": self.notes,
        }


def simulate_aids(
    profession: str,
    zone: str,
    at: dt.date,
    project: Project | None = None,
    params: ParameterSet | None = None,
) -> AidSimulation:
    """Aids a ``profession`` can get for ``project`` in a ``zone`` at date ``at``."""
    rules = AidRules(at, params)
    project = project or Project()
    code = normalize_profession(profession)
    try:
        zones = zones_of(code, at, rules.params)
    except NoValueAtDate as exc:
        raise ValueError(f"aucun zonage {PROFESSION_LABELS[code]} connu au {at:%d/%m/%Y}") from exc
    if zone not in zones:
        raise ValueError(
            f"zone « {zone} » inconnue pour la profession {PROFESSION_LABELS[code]} au "
            f"{at:%d/%m/%Y} (attendu : {', '.join(zones)})"
        )
    project.check()
    aids: list[Aid] = []
    refusals: list[Refusal] = []
    notes: list[str] = []
    if code == GP:
        aids, refusals, notes = contracts_2016(zone, project, rules)
    for aid in AIDS_BY_PROFESSION[code]:
        result = aid(zone, project, rules)
        (aids if isinstance(result, Aid) else refusals).append(result)
    not_eligible = [r.to_dict() for r in refusals if r.in_force]
    return AidSimulation(code, zone, at, project, aids, not_eligible, notes)
