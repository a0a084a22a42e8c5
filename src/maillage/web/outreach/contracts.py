"""Terms of a contract with a professional from the dated parameters in force at signature.

Amounts, durations and payment splits come from ``engine/rules/parameters/aides`` (each value
with its reference and verification status, kept on the contract as ``regles``). What the
documentation does not fix (COSCOM duration, fees earned for COTRAM / CSTM, the amount of a
medical-assistant contract) is contract data entered by the agent.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from maillage.engine.rules.loader import NoValueAtDate, ParameterValue, load_parameters

from .models import Contract

CENT = Decimal("0.01")


class ContractRuleError(ValueError):
    """The contract cannot be built at this date with these options (message in French)."""


@dataclass
class ContractTerms:
    montant_total: Decimal
    date_fin: dt.date | None
    echeances: list[tuple[str, dt.date, Decimal]]
    regles: list[dict] = field(default_factory=list)
    engagements: str = ""


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, candidate)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _money(value) -> Decimal:
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


class _Rules:
    def __init__(self, at: dt.date):
        self.at = at
        self.params = load_parameters()
        self.used: list[dict] = []

    def get(self, name: str, key=None) -> ParameterValue:
        try:
            value = self.params.get(name, self.at, key=key)
        except NoValueAtDate as error:
            raise ContractRuleError(
                f"aucune règle en vigueur le {self.at:%d/%m/%Y} pour ce contrat ({name})"
            ) from error
        self.used.append(value.to_dict())
        return value


def _annual(
    terms_label: str, start: dt.date, years: int, amount: Decimal
) -> list[tuple[str, dt.date, Decimal]]:
    return [
        (f"{terms_label} — année {n}", add_years(start, n), amount) for n in range(1, years + 1)
    ]


def _years(options: dict, default: int | None = None) -> int:
    try:
        years = int(options.get("annees") or default or 0)
    except (TypeError, ValueError) as error:
        raise ContractRuleError("durée (années) invalide") from error
    if years <= 0:
        raise ContractRuleError("indiquer la durée du contrat en années")
    return years


def build_terms(kind: str, signature: dt.date, options: dict | None = None) -> ContractTerms:
    """Amount, end, schedule and rules of a contract of ``kind`` signed on ``signature``."""
    options = dict(options or {})
    rules = _Rules(signature)
    K = Contract.Kind
    if kind == K.CAIM:
        rules.get("aides.medecins.contrats_2016.zones")
        table = rules.get("aides.medecins.caim.montant")
        days = float(options.get("jours") or max(float(k) for k in table.value))
        eligible = [float(k) for k in table.value if float(k) <= days]
        if not eligible:
            raise ContractRuleError("activité dans la zone insuffisante pour un CAIM")
        step = table[f"{max(eligible):g}"]
        amount = Decimal(str(step.value))
        rules.used[-1] = step.to_dict()  # the selected step, with its own status
        if options.get("hopital_proximite"):
            amount += Decimal(
                str(rules.get("aides.medecins.caim.majoration_hopital_proximite").value)
            )
        split = rules.get("aides.medecins.caim.versements").value
        years = rules.get("aides.medecins.caim.duree_engagement").value
        amount = _money(amount)
        first = _money(amount * Decimal(str(split["a_la_signature"])))
        return ContractTerms(
            amount,
            add_years(signature, years),
            [
                ("à la signature", signature, first),
                ("après un an", add_years(signature, 1), amount - first),
            ],
            rules.used,
            f"exercer {years} ans dans la zone, {max(eligible):g} jours par semaine",
        )
    if kind == K.COSCOM:
        rules.get("aides.medecins.contrats_2016.zones")
        annual = Decimal(str(rules.get("aides.medecins.coscom.montant_annuel").value))
        months = int(options.get("stagiaire_mois") or 0)
        if months:
            annual += (
                Decimal(str(rules.get("aides.medecins.coscom.majoration_stagiaire").value)) * months
            )
        years = _years(options)
        annual = _money(annual)
        return ContractTerms(
            annual * years,
            add_years(signature, years),
            _annual("COSCOM", signature, years, annual),
            rules.used,
            "exercice coordonné en ZIP (durée du contrat saisie)",
        )
    if kind in (K.COTRAM, K.CSTM):
        rules.get("aides.medecins.contrats_2016.zones")
        name = "cotram" if kind == K.COTRAM else "cstm"
        rate = Decimal(str(rules.get(f"aides.medecins.{name}.taux").value))
        fees = Decimal(str(options.get("honoraires_annuels") or 0))
        if fees <= 0:
            raise ContractRuleError("indiquer les honoraires annuels estimés")
        annual = fees * rate
        if kind == K.COTRAM:
            cap = Decimal(str(rules.get("aides.medecins.cotram.plafond_annuel").value))
            annual = min(annual, cap)
        years = _years(options)
        annual = _money(annual)
        return ContractTerms(
            annual * years,
            add_years(signature, years),
            _annual(name.upper(), signature, years, annual),
            rules.used,
            "montant estimé sur les honoraires déclarés, régularisé sur les honoraires réels",
        )
    if kind in (K.INSTALLATION_2026, K.SECONDAIRE_2026):
        name = "premiere_installation" if kind == K.INSTALLATION_2026 else "exercice_secondaire"
        zone = options.get("zone") or "ZIP"
        table = rules.get(f"aides.medecins.installation.{name}")
        if zone not in table.value:
            raise ContractRuleError(f"aide non prévue en zone {zone}")
        amount = _money(table.value[zone])
        return ContractTerms(
            amount,
            None,
            [("versement unique", signature, amount)],
            rules.used,
            f"installation en {zone}",
        )
    if kind in (K.INFIRMIER, K.KINE):
        prefix = "aides.infirmiers" if kind == K.INFIRMIER else "aides.masseurs_kinesitherapeutes"
        default_key = "premiere_installation" if kind == K.INFIRMIER else "creation_reprise"
        key = options.get("cle") or default_key
        table = rules.get(f"{prefix}.aide_installation")
        if key not in table.value:
            raise ContractRuleError(f"variante inconnue : {key}")
        years = int(rules.get(f"{prefix}.duree").value)
        rules.get(f"{prefix}.zones")
        amount = _money(table.value[key])
        # The documentation gives the total over the duration, not the yearly split: equal
        # yearly instalments are an assumption, stated in the engagements text.
        share = _money(amount / years)
        schedule = [(f"année {n + 1}", add_years(signature, n), share) for n in range(years)]
        last = schedule[-1]
        schedule[-1] = (last[0], last[1], amount - share * (years - 1))
        return ContractTerms(
            amount,
            add_years(signature, years),
            schedule,
            rules.used,
            f"exercice {years} ans en zone éligible (répartition annuelle égale : hypothèse)",
        )
    if kind == K.ASSISTANT_MEDICAL:
        # No national amount is documented in rules-zonage-aides.md: amount and duration are
        # contract data entered by the agent.
        amount = _money(options.get("montant") or 0)
        if amount <= 0:
            raise ContractRuleError("indiquer le montant du contrat d'assistant médical")
        years = _years(options)
        annual = _money(amount / years)
        schedule = _annual("aide annuelle", signature, years, annual)
        last = schedule[-1]
        schedule[-1] = (last[0], last[1], amount - annual * (years - 1))
        return ContractTerms(
            amount,
            add_years(signature, years),
            schedule,
            [],
            "montant et durée saisis (pas de paramètre national documenté)",
        )
    raise ContractRuleError(f"type de contrat inconnu : {kind}")
