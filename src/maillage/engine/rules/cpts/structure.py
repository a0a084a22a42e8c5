"""ACI CPTS: what the structure itself receives — its size, the yearly fonctionnement (with the
avenant n° 2 uplift) and the start-up aid — each with the rule applied and why.

- Size from the covered population with ``aci.cpts.tailles.seuils`` and the boundary rule
  ``aci.cpts.tailles.regle_bornes``, unless the contract sets it.
- Fonctionnement: paid in full at signature for year 1 (ACI 2019 art. 9.1), then at each
  anniversary for the next year, at the national amount in force at the start of the contract
  year unless the contract sets it.
- Avenant n° 2: the start-up fonctionnement credits of a CPTS signed by
  ``aci.cpts.fonctionnement_majore_avenant2_signature_au_plus_tard`` become
  ``aci.cpts.fonctionnement_majore_avenant2`` (+75 %). Those credits are the ones of contract
  year 1, paid at signature: the difference is due when the avenant comes into force. Whether
  the uplift recurs is not established [U]: it is applied to year 1 only, and the statement says
  so.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from ..common import Explanation, ParameterTrail, dec, format_money, round_cents
from .model import CptsContract, DueLine, Payment

UPLIFT = "aci.cpts.fonctionnement_majore_avenant2"
UPLIFT_DEADLINE = "aci.cpts.fonctionnement_majore_avenant2_signature_au_plus_tard"


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
    check_size(size)
    trail = trail or ParameterTrail()
    return dec(trail.value("aci.cpts.fonctionnement", at, size))


def check_size(size: Any) -> None:
    if isinstance(size, bool) or size not in (1, 2, 3, 4):
        raise ValueError(f"taille : 1, 2, 3 ou 4 attendu, reçu {size!r}")


def contract_size(
    contract: CptsContract, trail: ParameterTrail, alerts: list[str]
) -> tuple[int, Explanation]:
    """Size of the contract, from the contract or from its covered population."""
    sig = contract.signature
    if contract.size is not None:
        check_size(contract.size)
        size = contract.size
        reason = "le contrat indique la taille ; elle prime sur la population couverte"
        if contract.population is not None:
            by_population = cpts_size(contract.population, sig, trail)
            if by_population != size:
                alerts.append(
                    f"La taille du contrat ({size}) diffère de celle que donne la population "
                    f"({contract.population} habitants)."
                )
                reason += (
                    f" (la population, {_grouped(contract.population)} habitants, donnerait la "
                )
                reason += f"taille {by_population})"
        return size, Explanation("Taille", f"taille {size}, fixée par le contrat", reason)
    if contract.population is None:
        raise ValueError("taille ou population : l'une des deux est requise")
    size = cpts_size(contract.population, sig, trail)
    thresholds = trail.get("aci.cpts.tailles.seuils", sig)
    rule = trail.value("aci.cpts.tailles.regle_bornes", sig)
    bound = "inférieure" if rule == "borne_inferieure_incluse" else "supérieure"
    limits = " / ".join(_grouped(t) for t in thresholds.value)
    return size, Explanation(
        "Taille",
        f"taille {size} pour {_grouped(contract.population)} habitants couverts",
        f"seuils de population {limits} en vigueur à la signature ; une population égale à un "
        f"seuil compte dans la tranche dont elle est la borne {bound} (choix du logiciel, non "
        "vérifié)",
    )


def _grouped(number: int) -> str:
    """« 121 000 »: the money format without cents nor currency."""
    return format_money(dec(number)).removesuffix(",00 €")


def start_up_aid(
    contract: CptsContract, size: int, trail: ParameterTrail, payments: list[Payment]
) -> None:
    """Start-up aid, paid when the ARS validates the lettre d'intention."""
    if contract.letter_validated is None:
        return
    amount = round_cents(
        dec(trail.value("aci.cpts.aide_demarrage", contract.letter_validated, size))
    )
    detail = f"validation de la lettre d'intention, taille {size}"
    payments.append(Payment(contract.letter_validated, 0, "aide_demarrage", amount, None, detail))


def fonctionnement(
    contract: CptsContract,
    size: int,
    years: list[tuple[int, dt.date, dt.date]],
    trail: ParameterTrail,
    due: list[DueLine],
    payments: list[Payment],
    alerts: list[str],
) -> list[Explanation]:
    """Fonctionnement of every contract year: year 1 at signature, then at each anniversary;
    returns the rules applied."""
    # (rule, reason) → amount → contract years it gave that amount.
    national = (
        f"montant national de la taille {size}",
        "ACI CPTS, art. 9.1 : versé en totalité à la signature pour l'année 1, puis à chaque "
        "anniversaire pour l'année qui commence, au montant en vigueur au début de l'année de "
        "contrat",
    )
    fixed = ("montant fixé par le contrat", "le contrat fixe ce montant ; il remplace le national")
    applied: dict[tuple[str, str], dict[Decimal, list[int]]] = {national: {}, fixed: {}}
    for k, start, end in years:
        override = _override(contract, k)
        if override is not None:
            amount, detail, rule = round_cents(override), "montant fixé par le contrat", fixed
        else:
            amount = round_cents(cpts_fonctionnement(size, start, trail))
            detail, rule = f"montant national, taille {size}", national
        applied[rule].setdefault(amount, []).append(k)
        due.append(DueLine(k, start, end, "fonctionnement", amount, None, detail))
        payments.append(Payment(start, k, "fonctionnement", amount, None, detail))
    explanations = [
        Explanation("Fonctionnement", f"{rule} : {format_money(amount)} par an", reason, tuple(ks))
        for (rule, reason), amounts in applied.items()
        for amount, ks in amounts.items()
    ]
    uplift = _avenant2_uplift(contract, size, years, trail, due, payments, alerts)
    return explanations + ([uplift] if uplift else [])


def _override(contract: CptsContract, k: int) -> Decimal | None:
    """Fonctionnement the contract sets for year ``k`` (one amount for all years, or per
    year), if any."""
    override = contract.fonctionnement
    if isinstance(override, Mapping):
        return override.get(k)
    return override


def _avenant2_uplift(
    contract: CptsContract,
    size: int,
    years: list[tuple[int, dt.date, dt.date]],
    trail: ParameterTrail,
    due: list[DueLine],
    payments: list[Payment],
    alerts: list[str],
) -> Explanation | None:
    """The avenant n° 2 uplift of year 1's fonctionnement, or why it does not apply."""
    if UPLIFT not in trail.params or UPLIFT_DEADLINE not in trail.params:
        return None
    sig = contract.signature
    # The uplift exists from the avenant's entry into force; a contract signed before it
    # receives it then.
    in_force = trail.params.parameter(UPLIFT_DEADLINE).values[0].start
    on = max(sig, in_force)
    subject = "Majoration de l'avenant n° 2"
    deadline = dt.date.fromisoformat(str(trail.value(UPLIFT_DEADLINE, on)))
    if sig > deadline:
        return Explanation(
            subject,
            "non applicable",
            f"contrat signé le {sig:%d/%m/%Y}, après le {deadline:%d/%m/%Y} : seuls les "
            "contrats signés au plus tard à cette date ont les crédits de fonctionnement de "
            "démarrage majorés",
        )
    _k, start, end = years[0]
    if on >= years[-1][2]:
        return None
    if _override(contract, 1) is not None:
        return Explanation(
            subject,
            "non ajoutée",
            f"contrat signé le {sig:%d/%m/%Y}, au plus tard le {deadline:%d/%m/%Y}, mais le "
            "contrat fixe lui-même le fonctionnement de l'année 1 : ce montant est réputé "
            "inclure la majoration",
            (1,),
        )
    raised = trail.get(UPLIFT, on, size)
    first = next(d for d in due if d.year == 1 and d.component == "fonctionnement")
    base = first.amount
    amount = round_cents(dec(raised.value))
    extra = amount - base
    rate = f"{(amount / base - 1) * 100:.0f} %"
    detail = f"montant majoré de {rate} par l'avenant n° 2, taille {size}"
    due[due.index(first)] = DueLine(1, start, end, "fonctionnement", amount, None, detail)
    payments.append(
        Payment(
            on,
            1,
            "fonctionnement",
            extra,
            None,
            f"complément de la majoration de l'avenant n° 2 ({format_money(base)} → "
            f"{format_money(amount)})",
        )
    )
    status = "" if raised.verifie else f", montants non vérifiés [{raised.source_tag}]"
    alerts.append(
        f"Fonctionnement de l'année 1 majoré de {rate} par l'avenant n° 2 (contrat signé le "
        f"{sig:%d/%m/%Y}, au plus tard le {deadline:%d/%m/%Y}) : {format_money(amount)} au lieu "
        f"de {format_money(base)}, complément de {format_money(extra)} dû le {on:%d/%m/%Y}"
        f"{status} ; majoration appliquée à l'année 1 seulement (reconduction non établie)."
    )
    return Explanation(
        subject,
        f"fonctionnement de l'année 1 majoré de {rate} : {format_money(amount)} au lieu de "
        f"{format_money(base)}, complément de {format_money(extra)} dû le {on:%d/%m/%Y}",
        f"contrat signé le {sig:%d/%m/%Y}, au plus tard le {deadline:%d/%m/%Y} : l'avenant n° 2 "
        f"(en vigueur le {in_force:%d/%m/%Y}) majore les crédits de fonctionnement de démarrage, "
        "ceux de l'année 1 ; qu'il se renouvelle les années suivantes n'est pas établi, il n'est "
        "donc pas appliqué au-delà (saisir le montant dans le contrat si la caisse le verse)",
        (1,),
    )
