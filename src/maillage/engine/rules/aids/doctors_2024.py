"""Doctors — installation aids of the convention médicale of 2024, from 1 January 2026: a
one-off amount for a first installation (ZIP, ZAC) or a secondary practice (ZIP), and the
majorations of the forfait médecin traitant (ZIP or QPV)."""

from __future__ import annotations

from ...vocabulary import ZIP
from ..common import dec, format_money, round_cents
from .model import Aid, AidRules, Project, Refusal, not_in_force, until

NO_AID = "aucune aide de la convention de 2024 à cette date"


def first_installation(zone: str, project: Project, rules: AidRules) -> Aid | Refusal:
    code = "aide_premiere_installation"
    table = rules.maybe("aides.medecins.installation.premiere_installation")
    if table is None:
        return not_in_force(code, NO_AID)
    if not project.first_installation or project.secondary_practice or zone not in table.value:
        return Refusal(
            code,
            "réservée à une première installation (hors cabinet secondaire) "
            f"en {' ou '.join(map(str, table.value))}",
        )
    value = table[zone]
    amount = round_cents(dec(value.value))
    return Aid(
        code,
        "Aide à la première installation (convention médicale 2024)",
        amount,
        f"{format_money(amount)} versés une fois",
        [f"première installation en libéral en {zone}"],
        value.start,
        until(value),
        [value],
    )


def secondary_practice(zone: str, project: Project, rules: AidRules) -> Aid | Refusal:
    code = "aide_exercice_secondaire"
    table = rules.maybe("aides.medecins.installation.exercice_secondaire")
    if table is None:
        return not_in_force(code, NO_AID)
    if not project.secondary_practice or zone not in table.value:
        return Refusal(
            code, "réservée à un cabinet secondaire en " + " ou ".join(map(str, table.value))
        )
    value = table[zone]
    amount = round_cents(dec(value.value))
    return Aid(
        code,
        "Aide à l'exercice en cabinet secondaire (convention médicale 2024)",
        amount,
        f"{format_money(amount)} versés une fois",
        [f"ouverture d'un cabinet secondaire en {zone}"],
        value.start,
        until(value),
        [value],
    )


def forfait_zone_bonus(zone: str, project: Project, rules: AidRules) -> Aid | Refusal:
    code = "majoration_forfait_medecin_traitant"
    bonus = rules.maybe("aides.medecins.forfait_medecin_traitant.majoration_zone")
    if bonus is None:
        return not_in_force(code, NO_AID)
    if zone != ZIP and not project.qpv:
        return Refusal(code, "réservée à un exercice en ZIP ou en quartier prioritaire (QPV)")
    return Aid(
        code,
        "Majoration permanente du forfait médecin traitant",
        None,
        f"+ {dec(bonus.value) * 100:.0f} % du forfait médecin traitant",
        ["exercice en ZIP ou en quartier prioritaire de la politique de la ville"],
        bonus.start,
        until(bonus),
        [bonus],
        kind="majoration",
    )


def forfait_first_installation_bonus(zone: str, project: Project, rules: AidRules) -> Aid | Refusal:
    code = "majoration_forfait_medecin_traitant_installation"
    bonus = rules.maybe("aides.medecins.forfait_medecin_traitant.majoration_premiere_installation")
    if bonus is None:
        return not_in_force(code, NO_AID)
    if not project.first_installation or (zone != ZIP and not project.qpv):
        return Refusal(
            code, "réservée à une première installation en ZIP ou en quartier prioritaire (QPV)"
        )
    rates = " / ".join(f"{dec(v) * 100:.0f} %" for v in bonus.value.values())
    return Aid(
        code,
        "Majoration du forfait médecin traitant après une première installation",
        None,
        f"+ {rates} du forfait médecin traitant les années 1, 2 et 3",
        ["première installation en ZIP ou en quartier prioritaire de la ville"],
        bonus.start,
        until(bonus),
        [bonus],
        kind="majoration",
    )


AIDS = (
    first_installation,
    secondary_practice,
    forfait_zone_bonus,
    forfait_first_installation_bonus,
)
