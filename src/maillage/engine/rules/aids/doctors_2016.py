"""Doctors — demographic contracts of the convention médicale of 2016 (CAIM, COSCOM, COTRAM,
CSTM): in ZIP only, new contracts until 31 December 2025, not cumulable with each other."""

from __future__ import annotations

from ..common import dec, format_money, round_cents
from .model import Aid, AidRules, Instalment, Project, Refusal, not_in_force, until

ZONES = "aides.medecins.contrats_2016.zones"
CUMULABLE = "aides.medecins.contrats_2016.cumulables"


def _zones(code: str, zone: str, rules: AidRules, reason: str) -> Refusal | None:
    """Refusal when the 2016 contracts are closed at the date or ``zone`` is not theirs."""
    zones = rules.maybe(ZONES)
    if zones is None:
        return not_in_force(code)
    if zone not in zones.value:
        return Refusal(code, reason)
    return None


def caim(zone: str, project: Project, rules: AidRules) -> Aid | Refusal:
    """Contrat d'aide à l'installation des médecins: by days of activity a week in the zone."""
    code = "caim"
    table = rules.maybe("aides.medecins.caim.montant")
    if table is None:
        return not_in_force(code)
    refusal = _zones(code, zone, rules, "réservé aux ZIP")
    if refusal is not None:
        return refusal
    if not project.installation or project.secondary_practice:
        return Refusal(code, "réservé à une installation dans la zone")
    conditions = []
    days = project.days_per_week
    if days is None:
        days = max(float(k) for k in table.value)
        conditions.append(f"montant pour {days:g} jours par semaine (nombre de jours non précisé)")
    eligible = [float(k) for k in table.value if float(k) <= days]
    if not eligible:
        minimum = min(float(k) for k in table.value)
        return Refusal(code, f"activité d'au moins {minimum:g} jours par semaine requise")
    step = table[f"{max(eligible):g}"]
    amount = dec(step.value)
    used = [table, step]
    detail = f"{format_money(amount)} pour {max(eligible):g} jours par semaine"
    if project.hospital_proximity:
        extra = rules.get("aides.medecins.caim.majoration_hopital_proximite")
        amount += dec(extra.value)
        used.append(extra)
        detail += f" + {format_money(dec(extra.value))} (activité en hôpital de proximité)"
    amount = round_cents(amount)
    split = rules.get("aides.medecins.caim.versements")
    commitment = rules.get("aides.medecins.caim.duree_engagement")
    used += [split, commitment]
    first_part = round_cents(amount * dec(split.value["a_la_signature"]))
    payments = [
        Instalment("à la signature", 0, first_part),
        Instalment("après un an", 12, amount - first_part),
    ]
    conditions += [
        f"installation en {zone}, activité d'au moins {max(eligible):g} jours par semaine",
        f"engagement d'exercer {commitment.value} ans dans la zone",
    ]
    used.append(rules.get(ZONES))
    return Aid(
        code,
        "Contrat d'aide à l'installation des médecins (CAIM)",
        amount,
        detail,
        conditions,
        table.start,
        until(table),
        used,
        payments,
        years=int(commitment.value),
    )


def coscom(zone: str, project: Project, rules: AidRules) -> Aid | Refusal:
    """Contrat de stabilisation et de coordination: a yearly amount, more when hosting a
    student."""
    code = "coscom"
    base = rules.maybe("aides.medecins.coscom.montant_annuel")
    if base is None:
        return not_in_force(code)
    refusal = _zones(code, zone, rules, "réservé aux ZIP")
    if refusal is not None:
        return refusal
    amount = dec(base.value)
    used = [base]
    detail = f"{format_money(amount)} par an"
    if project.hosts_student:
        months = 12 if project.student_months is None else project.student_months
        extra = rules.get("aides.medecins.coscom.majoration_stagiaire")
        amount += dec(extra.value) * months
        used.append(extra)
        detail += f" + {format_money(dec(extra.value))} × {months} mois d'accueil d'un stagiaire"
    return Aid(
        code,
        "Contrat de stabilisation et de coordination (COSCOM)",
        round_cents(amount),
        detail,
        [f"exercice en {zone}"],
        base.start,
        until(base),
        used,
        yearly=True,
    )


def cotram(zone: str, project: Project, rules: AidRules) -> Aid | Refusal:
    """Contrat de transition: a doctor of 60 or more hosting a newcomer gets a share of their
    fees, capped each year. An unknown age leaves the age a condition to prove."""
    code = "cotram"
    rate = rules.maybe("aides.medecins.cotram.taux")
    if rate is None:
        return not_in_force(code)
    age_min = rules.get("aides.medecins.cotram.age_minimum")
    refusal = _zones(code, zone, rules, "réservé aux ZIP")
    if refusal is not None:
        return refusal
    too_young = project.age is not None and project.age < age_min.value
    if too_young or not project.hosts_newcomer:
        return Refusal(
            code,
            f"réservé au médecin de {age_min.value} ans ou plus qui accueille un médecin "
            "nouvellement installé",
        )
    cap = rules.get("aides.medecins.cotram.plafond_annuel")
    amount = None
    if project.fees is not None:
        amount = round_cents(min(dec(rate.value) * dec(project.fees), dec(cap.value)))
    conditions = [
        f"médecin de {age_min.value} ans ou plus accueillant un nouveau médecin en {zone}"
    ]
    if project.age is None:
        conditions.append(f"âge de {age_min.value} ans ou plus à justifier (âge non précisé)")
    return Aid(
        code,
        "Contrat de transition (COTRAM)",
        amount,
        f"+ {dec(rate.value) * 100:.0f} % des honoraires, plafonné à "
        f"{format_money(dec(cap.value))} par an",
        conditions,
        rate.start,
        until(rate),
        [rate, cap, age_min],
        yearly=True,
    )


def cstm(zone: str, project: Project, rules: AidRules) -> Aid | Refusal:
    """Contrat de solidarité territoriale médecin: a share of the fees earned in the ZIP by a
    doctor installed outside it."""
    code = "cstm"
    rate = rules.maybe("aides.medecins.cstm.taux")
    if rate is None:
        return not_in_force(code)
    reason = "réservé à une activité secondaire en ZIP"
    refusal = _zones(code, zone, rules, reason)
    if refusal is not None:
        return refusal
    if not project.secondary_practice:
        return Refusal(code, reason)
    amount = None
    if project.fees_in_zone is not None:
        amount = round_cents(dec(rate.value) * dec(project.fees_in_zone))
    return Aid(
        code,
        "Contrat de solidarité territoriale médecin (CSTM)",
        amount,
        f"+ {dec(rate.value) * 100:.0f} % des honoraires perçus dans la zone",
        [f"activité ponctuelle en {zone} d'un médecin installé hors de la zone"],
        rate.start,
        until(rate),
        [rate],
        yearly=True,
    )


CONTRACTS = (caim, coscom, cotram, cstm)


def contracts_2016(
    zone: str, project: Project, rules: AidRules
) -> tuple[list[Aid], list[Refusal], list[str]]:
    """The four contracts for one project, marked not cumulable with each other when several
    apply (one only may be signed); with the notes to show."""
    if rules.maybe(ZONES) is None:
        return [], [], []
    aids, refusals, notes = [], [], []
    for contract in CONTRACTS:
        result = contract(zone, project, rules)
        (aids if isinstance(result, Aid) else refusals).append(result)
    cumulable = rules.maybe(CUMULABLE)
    if cumulable is not None and not cumulable.value and len(aids) > 1:
        for aid in aids:
            aid.not_cumulable_with = [a.code for a in aids if a is not aid]
            aid.used.append(cumulable)
        notes.append(
            "Les contrats démographiques de 2016 ne sont pas cumulables entre eux : "
            "un seul peut être souscrit."
        )
    return aids, refusals, notes
