"""Doctors — aids of the State rather than of the convention: the contrat de début d'exercice
(ARS) and the tax exemptions (permanence des soins in ZIP / ZAC, ZFU-TE)."""

from __future__ import annotations

from ..common import dec, format_money
from .model import Aid, AidRules, Project, Refusal, not_in_force, until


def contrat_debut_exercice(zone: str, project: Project, rules: AidRules) -> Aid | Refusal:
    code = "contrat_debut_exercice"
    zones = rules.maybe("aides.medecins.contrat_debut_exercice.zones")
    if zones is None:
        return not_in_force(code, "pas de contrat de début d'exercice à cette date")
    if zone not in zones.value or not project.first_installation:
        return Refusal(
            code, f"réservé à un début d'exercice en {' ou '.join(map(str, zones.value))}"
        )
    duration = rules.get("aides.medecins.contrat_debut_exercice.duree")
    income = rules.get("aides.medecins.contrat_debut_exercice.garantie_revenu_mensuelle")
    return Aid(
        code,
        "Contrat de début d'exercice (État / ARS)",
        None,
        f"garantie de revenu la première année (environ {format_money(dec(income.value))}"
        " par mois selon une source secondaire)",
        [
            f"début d'exercice en {' ou '.join(zones.value)}",
            f"contrat de {duration.value} ans signé avec l'ARS",
        ],
        zones.start,
        until(zones),
        [zones, duration, income],
        years=int(duration.value),
    )


def pdsa_exemption(zone: str, project: Project, rules: AidRules) -> Aid | Refusal:
    code = "exoneration_pdsa"
    zones = rules.maybe("aides.fiscalite.exoneration_pdsa_zones")
    if zones is None:
        return not_in_force(code, "pas d'exonération connue à cette date")
    if zone not in zones.value:
        return Refusal(code, f"réservée à un exercice en {' ou '.join(map(str, zones.value))}")
    days = rules.get("aides.fiscalite.exoneration_pdsa")
    return Aid(
        code,
        "Exonération d'impôt sur le revenu des gardes de permanence des soins",
        None,
        f"dans la limite de {days.value} jours par an",
        [f"exercice en {' ou '.join(zones.value)}"],
        zones.start,
        until(zones),
        [days, zones],
        kind="fiscal",
    )


def zfu_te_exemption(zone: str, project: Project, rules: AidRules) -> Aid | Refusal:
    code = "exoneration_zfu_te"
    years = rules.maybe("aides.fiscalite.zfu_te_duree_exoneration")
    if years is None:
        return not_in_force(code, "pas d'exonération connue à cette date")
    if not project.zfu_te:
        return Refusal(code, "réservée à une installation en ZFU-TE")
    return Aid(
        code,
        "Exonération d'impôt sur les bénéfices en ZFU-TE",
        None,
        f"pendant {years.value} ans",
        ["installation dans une zone franche urbaine – territoire entrepreneur"],
        years.start,
        until(years),
        [years],
        kind="fiscal",
    )


AIDS = (contrat_debut_exercice, pdsa_exemption, zfu_te_exemption)
