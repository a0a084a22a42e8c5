"""Installation-aid simulator: which aids a professional can get in a zone at a date.

Every amount, zone list and date comes from the dated parameters; the simulator only encodes
who is eligible to what. Each aid carries the parameters it used (value, dates, reference,
status), and its status is "non_verifie" as soon as one of them is.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .common import ParameterTrail, dec, format_money, money_json, round_cents
from .loader import NoValueAtDate, ParameterSet, ParameterValue, load_parameters

PROFESSIONS = {
    "medecin_generaliste": "médecin généraliste",
    "masseur_kinesitherapeute": "masseur-kinésithérapeute",
    "infirmier": "infirmier",
}
PROFESSION_ALIASES = {
    "medecin": "medecin_generaliste",
    "kinesitherapeute": "masseur_kinesitherapeute",
    "kine": "masseur_kinesitherapeute",
    "infirmiere": "infirmier",
}
ZONE_LABELS = {
    "ZIP": "zone d'intervention prioritaire (ZIP)",
    "ZAC": "zone d'action complémentaire (ZAC)",
    "hors_zonage": "hors zonage",
    "tres_sous_dotee": "zone très sous-dotée",
    "sous_dotee": "zone sous-dotée",
    "intermediaire": "zone intermédiaire",
    "non_prioritaire": "zone non prioritaire",
    "tres_dotee": "zone très dotée",
    "sur_dotee": "zone sur-dotée",
}
ZONE_PARAMETERS = {
    "medecin_generaliste": "zonage.medecins.zones",
    "masseur_kinesitherapeute": "zonage.masseurs_kinesitherapeutes.zones",
    "infirmier": "zonage.infirmiers.zones",
}


@dataclass(frozen=True)
class Project:
    """What the professional plans to do. Fees are yearly amounts in euros."""

    first_installation: bool = False
    installation: bool = True  # sets up (creation, take-over or joining) in the zone
    days_per_week: float | None = None
    secondary_practice: bool = False  # a secondary practice (cabinet secondaire) in the zone
    group_practice: bool = False
    joins_existing_practice: bool = False
    age: int | None = None
    hosts_student: bool = False
    student_months: int | None = None  # months hosting a full-time student (default 12)
    hosts_newcomer: bool = False  # a doctor of 60 or more hosting a newly installed doctor
    hospital_proximity: bool = False  # activity in a hôpital de proximité
    qpv: bool = False  # quartier prioritaire de la politique de la ville
    zfu_te: bool = False
    fees: Decimal | None = None  # yearly fees (honoraires)
    fees_in_zone: Decimal | None = None  # yearly fees earned in the ZIP (secondary practice)


@dataclass
class Aid:
    code: str
    label: str
    amount: Decimal | None  # None: depends on data not given (fees…) or not a cash amount
    amount_text: str
    conditions: list[str]
    valid_from: dt.date
    valid_until: dt.date | None  # last day new contracts can be signed, if known
    used: list[ParameterValue]
    payments: list[dict[str, Any]] = field(default_factory=list)
    not_cumulable_with: list[str] = field(default_factory=list)
    kind: str = "aide"  # aide | majoration | fiscal

    @property
    def statut(self) -> str:
        return "verifie" if all(u.verifie for u in self.used) else "non_verifie"

    @property
    def reference(self) -> dict[str, Any]:
        return self.used[0].reference.to_dict()

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "libelle": self.label,
            "nature": self.kind,
            "montant": money_json(self.amount),
            "montant_texte": self.amount_text,
            "versements": [{**p, "montant": money_json(p["montant"])} for p in self.payments],
            "conditions": self.conditions,
            "valide_du": self.valid_from.isoformat(),
            "valide_jusquau": self.valid_until.isoformat() if self.valid_until else None,
            "non_cumulable_avec": self.not_cumulable_with,
            "reference": self.reference,
            "statut": self.statut,
            "parametres": [u.to_dict() for u in self.used],
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


class _Ctx:
    """Per-aid parameter access: records what each aid used."""

    def __init__(self, params: ParameterSet, at: dt.date) -> None:
        self.params, self.at = params, at
        self.trail = ParameterTrail(params=params)

    def new(self) -> ParameterTrail:
        self.trail = ParameterTrail(params=self.params)
        return self.trail

    def maybe(self, name: str, key: Any = None) -> ParameterValue | None:
        try:
            return self.trail.get(name, self.at, key)
        except NoValueAtDate:
            return None


def normalize_profession(profession: str) -> str:
    code = PROFESSION_ALIASES.get(profession, profession)
    if code not in PROFESSIONS:
        raise ValueError(
            f"profession « {profession} » inconnue (attendu : {', '.join(PROFESSIONS)})"
        )
    return code


def known_zones(profession: str, at: dt.date, params: ParameterSet | None = None) -> list[str]:
    params = params or load_parameters()
    return list(params.get(ZONE_PARAMETERS[normalize_profession(profession)], at).value)


def simulate_aids(
    profession: str,
    zone: str,
    at: dt.date,
    project: Project | None = None,
    params: ParameterSet | None = None,
) -> AidSimulation:
    """Aids a ``profession`` can get for ``project`` in a ``zone`` at date ``at``."""
    params = params or load_parameters()
    project = project or Project()
    code = normalize_profession(profession)
    try:
        zones = known_zones(code, at, params)
    except NoValueAtDate as exc:
        raise ValueError(f"aucun zonage {PROFESSIONS[code]} connu au {at:%d/%m/%Y}") from exc
    if zone not in zones:
        raise ValueError(
            f"zone « {zone} » inconnue pour la profession {PROFESSIONS[code]} au "
            f"{at:%d/%m/%Y} (attendu : {', '.join(zones)})"
        )
    if project.days_per_week is not None and not 0 < project.days_per_week <= 7:
        raise ValueError("jours par semaine : nombre entre 0 et 7 attendu")
    ctx = _Ctx(params, at)
    aids: list[Aid] = []
    not_eligible: list[dict[str, str]] = []
    notes: list[str] = []
    if code == "medecin_generaliste":
        _doctor_aids(zone, project, ctx, aids, not_eligible, notes)
    elif code == "masseur_kinesitherapeute":
        _physio_aids(zone, project, ctx, aids, not_eligible)
    else:
        _nurse_aids(zone, project, ctx, aids, not_eligible)
    return AidSimulation(code, zone, at, project, aids, not_eligible, notes)


def _until(value: ParameterValue) -> dt.date | None:
    return value.end - dt.timedelta(days=1) if value.end else None


def _doctor_aids(
    zone: str,
    project: Project,
    ctx: _Ctx,
    aids: list[Aid],
    not_eligible: list[dict[str, str]],
    notes: list[str],
) -> None:
    # Demographic contracts of the 2016 convention (new contracts until 31 December 2025).
    ctx.new()
    zones_2016 = ctx.maybe("aides.medecins.contrats_2016.zones")
    contracts_2016: list[Aid] = []
    if zones_2016 is not None:
        in_zone = zone in zones_2016.value
        for builder in (_caim, _coscom, _cotram, _cstm):
            trail = ctx.new()
            trail.get("aides.medecins.contrats_2016.zones", ctx.at)
            aid, reason = builder(zone, project, ctx, in_zone)
            if aid is not None:
                contracts_2016.append(aid)
            else:
                not_eligible.append(reason)
        cumulable = ctx.maybe("aides.medecins.contrats_2016.cumulables")
        if cumulable is not None and not cumulable.value and len(contracts_2016) > 1:
            for aid in contracts_2016:
                aid.not_cumulable_with = [a.code for a in contracts_2016 if a is not aid]
                aid.used.append(cumulable)
            notes.append(
                "Les contrats démographiques de 2016 ne sont pas cumulables entre eux : "
                "un seul peut être souscrit."
            )
        aids.extend(contracts_2016)
    # Convention 2024, from 1 January 2026.
    ctx.new()
    first = ctx.maybe("aides.medecins.installation.premiere_installation")
    if first is not None:
        if project.first_installation and not project.secondary_practice and zone in first.value:
            value = first[zone]
            aids.append(
                Aid(
                    "aide_premiere_installation",
                    "Aide à la première installation (convention médicale 2024)",
                    round_cents(dec(value.value)),
                    f"{format_money(round_cents(dec(value.value)))} versés une fois",
                    [f"première installation en libéral en {zone}"],
                    value.start,
                    _until(value),
                    [value],
                )
            )
        else:
            not_eligible.append(
                {
                    "code": "aide_premiere_installation",
                    "raison": "réservée à une première installation (hors cabinet secondaire) "
                    f"en {' ou '.join(map(str, first.value))}",
                }
            )
        ctx.new()
        secondary = ctx.maybe("aides.medecins.installation.exercice_secondaire")
        if secondary is not None and project.secondary_practice and zone in secondary.value:
            value = secondary[zone]
            aids.append(
                Aid(
                    "aide_exercice_secondaire",
                    "Aide à l'exercice en cabinet secondaire (convention médicale 2024)",
                    round_cents(dec(value.value)),
                    f"{format_money(round_cents(dec(value.value)))} versés une fois",
                    [f"ouverture d'un cabinet secondaire en {zone}"],
                    value.start,
                    _until(value),
                    [value],
                )
            )
        elif secondary is not None:
            not_eligible.append(
                {
                    "code": "aide_exercice_secondaire",
                    "raison": "réservée à un cabinet secondaire en "
                    + " ou ".join(map(str, secondary.value)),
                }
            )
        ctx.new()
        bonus = ctx.maybe("aides.medecins.forfait_medecin_traitant.majoration_zone")
        if bonus is not None and (zone == "ZIP" or project.qpv):
            aids.append(
                Aid(
                    "majoration_forfait_medecin_traitant",
                    "Majoration permanente du forfait médecin traitant",
                    None,
                    f"+ {dec(bonus.value) * 100:.0f} % du forfait médecin traitant",
                    ["exercice en ZIP ou en quartier prioritaire de la politique de la ville"],
                    bonus.start,
                    _until(bonus),
                    [bonus],
                    kind="majoration",
                )
            )
        ctx.new()
        first_bonus = ctx.maybe(
            "aides.medecins.forfait_medecin_traitant.majoration_premiere_installation"
        )
        if (
            first_bonus is not None
            and project.first_installation
            and (zone == "ZIP" or project.qpv)
        ):
            rates = " / ".join(f"{dec(v) * 100:.0f} %" for v in first_bonus.value.values())
            aids.append(
                Aid(
                    "majoration_forfait_medecin_traitant_installation",
                    "Majoration du forfait médecin traitant après une première installation",
                    None,
                    f"+ {rates} du forfait médecin traitant les années 1, 2 et 3",
                    ["première installation en ZIP ou en quartier prioritaire de la ville"],
                    first_bonus.start,
                    _until(first_bonus),
                    [first_bonus],
                    kind="majoration",
                )
            )
    # State: contrat de début d'exercice.
    ctx.new()
    cde_zones = ctx.maybe("aides.medecins.contrat_debut_exercice.zones")
    if cde_zones is not None and zone in cde_zones.value and project.first_installation:
        duration = ctx.trail.get("aides.medecins.contrat_debut_exercice.duree", ctx.at)
        income = ctx.trail.get(
            "aides.medecins.contrat_debut_exercice.garantie_revenu_mensuelle", ctx.at
        )
        aids.append(
            Aid(
                "contrat_debut_exercice",
                "Contrat de début d'exercice (État / ARS)",
                None,
                f"garantie de revenu la première année (environ {format_money(dec(income.value))}"
                " par mois selon une source secondaire)",
                [
                    f"début d'exercice en {' ou '.join(cde_zones.value)}",
                    f"contrat de {duration.value} ans signé avec l'ARS",
                ],
                cde_zones.start,
                _until(cde_zones),
                [cde_zones, duration, income],
            )
        )
    # Tax: PDSA fees exempt in ZIP / ZAC, ZFU-TE.
    ctx.new()
    pdsa_zones = ctx.maybe("aides.fiscalite.exoneration_pdsa_zones")
    if pdsa_zones is not None and zone in pdsa_zones.value:
        days = ctx.trail.get("aides.fiscalite.exoneration_pdsa", ctx.at)
        aids.append(
            Aid(
                "exoneration_pdsa",
                "Exonération d'impôt sur le revenu des gardes de permanence des soins",
                None,
                f"dans la limite de {days.value} jours par an",
                [f"exercice en {' ou '.join(pdsa_zones.value)}"],
                pdsa_zones.start,
                _until(pdsa_zones),
                [days, pdsa_zones],
                kind="fiscal",
            )
        )
    ctx.new()
    zfu = ctx.maybe("aides.fiscalite.zfu_te_duree_exoneration")
    if zfu is not None and project.zfu_te:
        aids.append(
            Aid(
                "exoneration_zfu_te",
                "Exonération d'impôt sur les bénéfices en ZFU-TE",
                None,
                f"pendant {zfu.value} ans",
                ["installation dans une zone franche urbaine – territoire entrepreneur"],
                zfu.start,
                _until(zfu),
                [zfu],
                kind="fiscal",
            )
        )


def _caim(zone: str, project: Project, ctx: _Ctx, in_zone: bool) -> tuple[Aid | None, dict]:
    code = "caim"
    table = ctx.maybe("aides.medecins.caim.montant")
    if table is None:
        return None, {"code": code, "raison": "plus de nouveau contrat à cette date"}
    if not in_zone:
        return None, {"code": code, "raison": "réservé aux ZIP"}
    if not project.installation or project.secondary_practice:
        return None, {"code": code, "raison": "réservé à une installation dans la zone"}
    conditions = []
    days = project.days_per_week
    if days is None:
        days = max(float(k) for k in table.value)
        conditions.append(f"montant pour {days:g} jours par semaine (nombre de jours non précisé)")
    eligible = [float(k) for k in table.value if float(k) <= days]
    if not eligible:
        minimum = min(float(k) for k in table.value)
        return None, {
            "code": code,
            "raison": f"activité d'au moins {minimum:g} jours par semaine requise",
        }
    step = table[f"{max(eligible):g}"]
    amount = dec(step.value)
    used = [table, step]
    detail = f"{format_money(amount)} pour {max(eligible):g} jours par semaine"
    if project.hospital_proximity:
        extra = ctx.trail.get("aides.medecins.caim.majoration_hopital_proximite", ctx.at)
        amount += dec(extra.value)
        used.append(extra)
        detail += f" + {format_money(dec(extra.value))} (activité en hôpital de proximité)"
    amount = round_cents(amount)
    split = ctx.trail.get("aides.medecins.caim.versements", ctx.at)
    commitment = ctx.trail.get("aides.medecins.caim.duree_engagement", ctx.at)
    used += [split, commitment]
    first_part = round_cents(amount * dec(split.value["a_la_signature"]))
    payments = [
        {"echeance": "à la signature", "montant": first_part},
        {"echeance": "après un an", "montant": amount - first_part},
    ]
    conditions += [
        f"installation en {zone}, activité d'au moins {max(eligible):g} jours par semaine",
        f"engagement d'exercer {commitment.value} ans dans la zone",
    ]
    used.append(ctx.trail.get("aides.medecins.contrats_2016.zones", ctx.at))
    return (
        Aid(
            code,
            "Contrat d'aide à l'installation des médecins (CAIM)",
            amount,
            detail,
            conditions,
            table.start,
            _until(table),
            used,
            payments,
        ),
        {},
    )


def _coscom(zone: str, project: Project, ctx: _Ctx, in_zone: bool) -> tuple[Aid | None, dict]:
    code = "coscom"
    base = ctx.maybe("aides.medecins.coscom.montant_annuel")
    if base is None:
        return None, {"code": code, "raison": "plus de nouveau contrat à cette date"}
    if not in_zone:
        return None, {"code": code, "raison": "réservé aux ZIP"}
    amount = dec(base.value)
    used = [base]
    detail = f"{format_money(amount)} par an"
    if project.hosts_student:
        months = 12 if project.student_months is None else project.student_months
        extra = ctx.trail.get("aides.medecins.coscom.majoration_stagiaire", ctx.at)
        amount += dec(extra.value) * months
        used.append(extra)
        detail += f" + {format_money(dec(extra.value))} × {months} mois d'accueil d'un stagiaire"
    return (
        Aid(
            code,
            "Contrat de stabilisation et de coordination (COSCOM)",
            round_cents(amount),
            detail,
            [f"exercice en {zone}"],
            base.start,
            _until(base),
            used,
        ),
        {},
    )


def _cotram(zone: str, project: Project, ctx: _Ctx, in_zone: bool) -> tuple[Aid | None, dict]:
    code = "cotram"
    rate = ctx.maybe("aides.medecins.cotram.taux")
    if rate is None:
        return None, {"code": code, "raison": "plus de nouveau contrat à cette date"}
    age_min = ctx.trail.get("aides.medecins.cotram.age_minimum", ctx.at)
    if not in_zone:
        return None, {"code": code, "raison": "réservé aux ZIP"}
    if project.age is None or project.age < age_min.value or not project.hosts_newcomer:
        return None, {
            "code": code,
            "raison": f"réservé au médecin de {age_min.value} ans ou plus qui accueille un "
            "médecin nouvellement installé",
        }
    cap = ctx.trail.get("aides.medecins.cotram.plafond_annuel", ctx.at)
    amount = None
    if project.fees is not None:
        amount = round_cents(min(dec(rate.value) * dec(project.fees), dec(cap.value)))
    return (
        Aid(
            code,
            "Contrat de transition (COTRAM)",
            amount,
            f"+ {dec(rate.value) * 100:.0f} % des honoraires, plafonné à "
            f"{format_money(dec(cap.value))} par an",
            [f"médecin de {age_min.value} ans ou plus accueillant un nouveau médecin en {zone}"],
            rate.start,
            _until(rate),
            [rate, cap, age_min],
        ),
        {},
    )


def _cstm(zone: str, project: Project, ctx: _Ctx, in_zone: bool) -> tuple[Aid | None, dict]:
    code = "cstm"
    rate = ctx.maybe("aides.medecins.cstm.taux")
    if rate is None:
        return None, {"code": code, "raison": "plus de nouveau contrat à cette date"}
    if not in_zone or not project.secondary_practice:
        return None, {"code": code, "raison": "réservé à une activité secondaire en ZIP"}
    amount = None
    if project.fees_in_zone is not None:
        amount = round_cents(dec(rate.value) * dec(project.fees_in_zone))
    return (
        Aid(
            code,
            "Contrat de solidarité territoriale médecin (CSTM)",
            amount,
            f"+ {dec(rate.value) * 100:.0f} % des honoraires perçus dans la zone",
            [f"activité ponctuelle en {zone} d'un médecin installé hors de la zone"],
            rate.start,
            _until(rate),
            [rate],
        ),
        {},
    )


def _installation_aid(
    prefix: str,
    label: str,
    key: str,
    zone: str,
    ctx: _Ctx,
    aids: list[Aid],
    not_eligible: list[dict[str, str]],
    condition: str,
) -> None:
    ctx.new()
    zones = ctx.maybe(f"{prefix}.zones")
    table = ctx.maybe(f"{prefix}.aide_installation")
    code = f"aide_installation_{key}"
    if zones is None or table is None:
        not_eligible.append({"code": code, "raison": "aucune aide connue à cette date"})
        return
    if zone not in zones.value:
        not_eligible.append(
            {"code": code, "raison": "réservée aux zones " + ", ".join(zones.value)}
        )
        return
    duration = ctx.trail.get(f"{prefix}.duree", ctx.at)
    value = table[key]
    amount = round_cents(dec(value.value))
    aids.append(
        Aid(
            code,
            label,
            amount,
            f"{format_money(amount)} sur {duration.value} ans",
            [condition, f"exercice en {ZONE_LABELS.get(zone, zone)}"],
            value.start,
            _until(value),
            [value, zones, duration],
        )
    )


def _physio_aids(
    zone: str, project: Project, ctx: _Ctx, aids: list[Aid], not_eligible: list[dict[str, str]]
) -> None:
    if project.joins_existing_practice:
        key, label, cond = (
            "adhesion_cabinet",
            "Aide à l'installation (adhésion à un cabinet existant)",
            "rejoindre un cabinet existant",
        )
    else:
        key, label, cond = (
            "creation_reprise",
            "Aide à l'installation (création ou reprise d'un cabinet)",
            "créer ou reprendre un cabinet",
        )
    _installation_aid(
        "aides.masseurs_kinesitherapeutes", label, key, zone, ctx, aids, not_eligible, cond
    )


def _nurse_aids(
    zone: str, project: Project, ctx: _Ctx, aids: list[Aid], not_eligible: list[dict[str, str]]
) -> None:
    if project.first_installation:
        key, label, cond = (
            "premiere_installation",
            "Aide à la première installation des infirmiers",
            "première installation",
        )
    else:
        key, label, cond = (
            "autre_installation",
            "Aide à l'installation des infirmiers",
            "installation (hors première installation)",
        )
    _installation_aid("aides.infirmiers", label, key, zone, ctx, aids, not_eligible, cond)
