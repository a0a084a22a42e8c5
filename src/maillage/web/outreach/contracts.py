"""Terms of a contract with a professional, from the engine's aid in force at signature.

Each kind of contract is one aid of ``engine/rules/aids`` (CAIM, COSCOM…): this module only
turns the contract form into the aid's project, calls the engine at the signature date and
dates the payments. Amounts, durations and payment splits are the engine's (each parameter with
its reference and verification status, kept on the contract as ``regles``). What the
documentation does not fix (COSCOM duration, fees earned for COTRAM / CSTM, the yearly split of
the nurses' and physiotherapists' aids, the amount of a medical-assistant contract) is contract
data entered by the agent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from maillage.engine.rules.aids import (
    Aid,
    AidRules,
    Project,
    Refusal,
    caim,
    coscom,
    cotram,
    cstm,
    first_installation,
    nurse_installation,
    physiotherapist_installation,
    secondary_practice,
)
from maillage.engine.rules.common import add_months, add_years, round_cents
from maillage.engine.vocabulary import VERY_UNDERSERVED, ZIP, normalise_zone

from .models import Contract

K = Contract.Kind


class ContractRuleError(ValueError):
    """The contract cannot be built at this date with these options (message in French)."""


@dataclass
class ContractTerms:
    montant_total: Decimal
    date_fin: dt.date | None
    echeances: list[tuple[str, dt.date, Decimal]]
    regles: list[dict] = field(default_factory=list)
    engagements: str = ""


def _years(options: dict, default: int | None = None) -> int:
    try:
        years = int(options.get("annees") or default or 0)
    except (TypeError, ValueError) as error:
        raise ContractRuleError("durée (années) invalide") from error
    if years <= 0:
        raise ContractRuleError("indiquer la durée du contrat en années")
    return years


def _fees(options: dict) -> Decimal:
    try:
        fees = Decimal(str(options.get("honoraires_annuels") or 0))
    except InvalidOperation as error:
        raise ContractRuleError("honoraires annuels : nombre attendu") from error
    if fees <= 0:
        raise ContractRuleError("indiquer les honoraires annuels estimés")
    return fees


def _variant(options: dict, variants: dict[str, bool], default: str) -> bool:
    key = options.get("cle") or default
    if key not in variants:
        raise ContractRuleError(f"variante inconnue : {key}")
    return variants[key]


# Kind of contract → (aid of the engine, the contract's project, zone when the form gives none).
AidRequest = tuple[Callable[[str, Project, AidRules], Aid | Refusal], Project, str]


def _request(kind: str, options: dict) -> AidRequest:
    if kind == K.CAIM:
        days = options.get("jours")
        project = Project(
            days_per_week=float(days) if days else None,
            hospital_proximity=bool(options.get("hopital_proximite")),
        )
        return caim, project, ZIP
    if kind == K.COSCOM:
        months = int(options.get("stagiaire_mois") or 0)
        project = Project(installation=False, hosts_student=months > 0, student_months=months)
        return coscom, project, ZIP
    if kind == K.COTRAM:
        # The signed contract attests that the doctor hosts a newcomer; the age, not entered
        # here, stays a condition of the aid.
        project = Project(installation=False, hosts_newcomer=True, fees=_fees(options))
        return cotram, project, ZIP
    if kind == K.CSTM:
        project = Project(installation=False, secondary_practice=True, fees_in_zone=_fees(options))
        return cstm, project, ZIP
    if kind == K.INSTALLATION_2026:
        return first_installation, Project(first_installation=True), ZIP
    if kind == K.SECONDAIRE_2026:
        return secondary_practice, Project(secondary_practice=True), ZIP
    if kind == K.INFIRMIER:
        first = _variant(
            options,
            {"premiere_installation": True, "autre_installation": False},
            "premiere_installation",
        )
        return nurse_installation, Project(first_installation=first), VERY_UNDERSERVED
    if kind == K.KINE:
        joins = _variant(
            options, {"creation_reprise": False, "adhesion_cabinet": True}, "creation_reprise"
        )
        return (
            physiotherapist_installation,
            Project(joins_existing_practice=joins),
            (VERY_UNDERSERVED),
        )
    raise ContractRuleError(f"type de contrat inconnu : {kind}")


def _aid(kind: str, signature: dt.date, options: dict) -> Aid:
    function, project, default_zone = _request(kind, options)
    zone = normalise_zone(options.get("zone") or default_zone)
    result = function(zone, project, AidRules(signature))
    if isinstance(result, Refusal):
        if not result.in_force:
            raise ContractRuleError(
                f"aucune règle en vigueur le {signature:%d/%m/%Y} pour ce contrat ({result.reason})"
            )
        raise ContractRuleError(
            f"contrat non conforme aux règles en vigueur le {signature:%d/%m/%Y} : {result.reason}"
        )
    return result


# What the contract adds to the aid's own conditions.
ESTIMATED = "montant estimé sur les honoraires déclarés, régularisé sur les honoraires réels"
NOTES = {
    K.COSCOM: ("durée du contrat saisie",),
    K.COTRAM: ("durée du contrat saisie", ESTIMATED),
    K.CSTM: ("durée du contrat saisie", ESTIMATED),
    K.INFIRMIER: ("répartition annuelle égale : hypothèse",),
    K.KINE: ("répartition annuelle égale : hypothèse",),
}


def _yearly_schedule(label: str, start: dt.date, years: int, total: Decimal) -> list:
    """``years`` yearly payments adding up to ``total``, the last one taking the rounding."""
    share = round_cents(total / years)
    schedule = [(f"{label} — année {n}", add_years(start, n), share) for n in range(1, years + 1)]
    last = schedule[-1]
    schedule[-1] = (last[0], last[1], total - share * (years - 1))
    return schedule


def build_terms(kind: str, signature: dt.date, options: dict | None = None) -> ContractTerms:
    """Amount, end, schedule and rules of a contract of ``kind`` signed on ``signature``."""
    options = dict(options or {})
    if kind == K.ASSISTANT_MEDICAL:
        return _assistant_terms(signature, options)
    aid = _aid(kind, signature, options)
    rules = [u.to_dict() for u in aid.used]
    engagements = "; ".join([*aid.conditions, *NOTES.get(kind, ())])
    if aid.yearly:
        # COSCOM, COTRAM, CSTM: a yearly amount for the duration entered in the contract.
        years = _years(options)
        annual = round_cents(aid.amount)
        schedule = [
            (f"{aid.code.upper()} — année {n}", add_years(signature, n), annual)
            for n in range(1, years + 1)
        ]
        return ContractTerms(
            annual * years, add_years(signature, years), schedule, rules, engagements
        )
    if aid.payments:
        # CAIM: the engine dates each payment from the signature.
        schedule = [(p.label, add_months(signature, p.months), p.amount) for p in aid.payments]
        end = add_years(signature, aid.years) if aid.years else None
        return ContractTerms(aid.amount, end, schedule, rules, engagements)
    if aid.years:
        # Nurses, physiotherapists: the documentation gives the total over the duration, not
        # the yearly split: equal yearly instalments, the first at signature, are an assumption
        # stated in the engagements.
        share = round_cents(aid.amount / aid.years)
        schedule = [(f"année {n + 1}", add_years(signature, n), share) for n in range(aid.years)]
        last = schedule[-1]
        schedule[-1] = (last[0], last[1], aid.amount - share * (aid.years - 1))
        return ContractTerms(
            aid.amount, add_years(signature, aid.years), schedule, rules, engagements
        )
    # First installation, secondary practice (2026): paid once at signature.
    schedule = [("versement unique", signature, aid.amount)]
    return ContractTerms(aid.amount, None, schedule, rules, engagements)


def _assistant_terms(signature: dt.date, options: dict) -> ContractTerms:
    # No national amount is documented in rules-zonage-aides.md: amount and duration are
    # contract data entered by the agent.
    amount = round_cents(Decimal(str(options.get("montant") or 0)))
    if amount <= 0:
        raise ContractRuleError("indiquer le montant du contrat d'assistant médical")
    years = _years(options)
    return ContractTerms(
        amount,
        add_years(signature, years),
        _yearly_schedule("aide annuelle", signature, years, amount),
        [],
        "montant et durée saisis (pas de paramètre national documenté)",
    )
