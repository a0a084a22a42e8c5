"""Physiotherapists and nurses — installation aids of their conventions (masseurs-
kinésithérapeutes, avenant n° 7; infirmiers, avenant n° 6): an amount paid over 5 years to a
professional who sets up in an eligible zone, never to one already installed there."""

from __future__ import annotations

from ...vocabulary import ZONE_LABELS
from ..common import dec, format_money, round_cents
from .model import Aid, AidRules, Project, Refusal, not_in_force, until

PHYSIOTHERAPISTS = "aides.masseurs_kinesitherapeutes"
NURSES = "aides.infirmiers"


def _installation_aid(
    prefix: str, key: str, label: str, condition: str, zone: str, project: Project, rules: AidRules
) -> Aid | Refusal:
    code = f"aide_installation_{key}"
    zones = rules.maybe(f"{prefix}.zones")
    table = rules.maybe(f"{prefix}.aide_installation")
    if zones is None or table is None:
        return not_in_force(code, "aucune aide connue à cette date")
    if not project.installation:
        return Refusal(code, "réservée à une installation : le professionnel est déjà installé")
    if zone not in zones.value:
        return Refusal(
            code,
            "réservée à l'exercice en "
            + " ou en ".join(ZONE_LABELS.get(z, z) for z in zones.value),
        )
    duration = rules.get(f"{prefix}.duree")
    value = table[key]
    amount = round_cents(dec(value.value))
    return Aid(
        code,
        label,
        amount,
        f"{format_money(amount)} sur {duration.value} ans",
        [condition, f"exercice en {ZONE_LABELS.get(zone, zone)}"],
        value.start,
        until(value),
        [value, zones, duration],
        years=int(duration.value),
    )


def physiotherapist_installation(zone: str, project: Project, rules: AidRules) -> Aid | Refusal:
    """Creating or taking over a practice, or joining an existing one (lower amount)."""
    if project.joins_existing_practice:
        return _installation_aid(
            PHYSIOTHERAPISTS,
            "adhesion_cabinet",
            "Aide à l'installation (adhésion à un cabinet existant)",
            "rejoindre un cabinet existant",
            zone,
            project,
            rules,
        )
    return _installation_aid(
        PHYSIOTHERAPISTS,
        "creation_reprise",
        "Aide à l'installation (création ou reprise d'un cabinet)",
        "créer ou reprendre un cabinet",
        zone,
        project,
        rules,
    )


def nurse_installation(zone: str, project: Project, rules: AidRules) -> Aid | Refusal:
    """A first installation, or another installation (lower amount)."""
    if project.first_installation:
        return _installation_aid(
            NURSES,
            "premiere_installation",
            "Aide à la première installation des infirmiers",
            "première installation",
            zone,
            project,
            rules,
        )
    return _installation_aid(
        NURSES,
        "autre_installation",
        "Aide à l'installation des infirmiers",
        "installation (hors première installation)",
        zone,
        project,
        rules,
    )
