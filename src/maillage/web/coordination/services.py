"""Coordinated-care steering: access rules, contract → engine JSON, statements, key figures.

One source of truth for amounts: :func:`contract_json` builds the very file format that
``maillage aci calcul`` reads, and :func:`contract_report` hands it to the engine
(``compute_contract``). Nothing computed is stored.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import Counter
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, Subquery, Sum

from maillage.engine.rules import compute_contract, cpts_size
from maillage.engine.rules.common import ParameterTrail, add_months, add_years, dec, round_cents
from maillage.engine.rules.contract import ContractError, parse_indicator
from maillage.engine.rules.cpts import MISSION_LABELS
from maillage.web.accounts.roles import STAFF_ROLES, Role, roles_of
from maillage.web.accounts.scope import visible_departements
from maillage.web.supply.models import Structure, StructureCommune
from maillage.web.territories.models import Commune

from .models import Contract, Dossier, Event, Member, Payment, Result, Stage

# ---------------------------------------------------------------------------------------------
# Access


def is_staff(user) -> bool:
    return bool(roles_of(user) & STAFF_ROLES)


def visible_dossiers(user):
    """Dossiers ``user`` may see: administrators all, CPAM agents those whose seat is in one of
    their départements, coordinators the structures they coordinate, nobody else."""
    qs = Dossier.objects.select_related("structure", "structure__commune")
    roles = roles_of(user)
    if Role.ADMINISTRATEUR in roles:
        return qs
    scope = Q(pk__in=[])
    if Role.AGENT_CPAM in roles:
        scope |= Q(structure__commune__departement__in=visible_departements(user))
    if Role.COORDINATEUR in roles:
        scope |= Q(coordinateurs=user)
    return qs.filter(scope).distinct()


def can_view(user, dossier: Dossier) -> bool:
    return visible_dossiers(user).filter(pk=dossier.pk).exists()


def ensure_dossier(structure: Structure) -> Dossier:
    return Dossier.objects.get_or_create(structure=structure)[0]


# ---------------------------------------------------------------------------------------------
# Lifecycle


def current_stage(dossier: Dossier) -> str:
    """Stage of the latest event (by date, then by entry order); reads the prefetched events
    when the caller prefetched them (lists), so a list costs one query, not one per row."""
    if "evenements" in getattr(dossier, "_prefetched_objects_cache", {}):
        events = sorted(dossier.evenements.all(), key=lambda e: (e.date, e.id))
        last = events[-1] if events else None
    else:
        last = dossier.evenements.order_by("-date", "-id").first()
    return last.stage if last else Stage.AUCUN


def event_date(dossier: Dossier, kind: str) -> dt.date | None:
    if _prefetched(dossier, "evenements"):
        dates = [e.date for e in dossier.evenements.all() if e.kind == kind]
        return min(dates) if dates else None
    event = dossier.evenements.filter(kind=kind).order_by("date").first()
    return event.date if event else None


def _prefetched(obj, relation: str) -> bool:
    """Whether a list page prefetched ``relation`` of ``obj`` (then read it, do not query)."""
    return relation in getattr(obj, "_prefetched_objects_cache", {})


#: What building a contract's engine report reads: prefetched once for a list of contracts,
#: so that the list costs the same few queries whatever its length (see ``for_reports``).
REPORT_PREFETCH = (
    "dialogues",
    "missions__indicateurs__resultats",
    "exercices__criteres",
    "dossier__evenements",
    "dossier__structure__perimetre__commune",
)


def for_reports(contracts):
    """A contract queryset ready for :func:`contract_report` on each of its contracts."""
    return contracts.select_related("dossier__structure__commune").prefetch_related(
        *REPORT_PREFETCH
    )


def perimeter_population(structure: Structure) -> int:
    """Population of the perimeter communes (the seat alone when no perimeter is recorded)."""
    if _prefetched(structure, "perimetre"):
        rows = {sc.commune_id: sc.commune.population or 0 for sc in structure.perimetre.all()}
        total = sum(rows.values()) if rows else None
    else:
        codes = StructureCommune.objects.filter(structure=structure).values("commune_id")
        total = Commune.objects.filter(code__in=Subquery(codes)).aggregate(p=Sum("population"))["p"]
    if total is None and structure.commune_id:
        total = structure.commune.population
    return int(total or 0)


def covered_population(dossier: Dossier) -> int:
    if dossier.population_override is not None:
        return dossier.population_override
    return perimeter_population(dossier.structure)


def contract_size(contract: Contract) -> int:
    if contract.taille_override:
        return contract.taille_override
    return cpts_size(covered_population(contract.dossier), contract.date_signature)


def contract_end(contract: Contract) -> dt.date:
    duration = int(ParameterTrail().value("aci.cpts.duree_contrat", contract.date_signature))
    return add_years(contract.date_signature, duration)


def contract_calendar_years(contract: Contract) -> list[int]:
    """Calendar years the contract runs in, from the signature to its end (statements)."""
    return list(range(contract.date_signature.year, contract_end(contract).year + 1))


def contract_years(contract: Contract) -> int:
    """Number of contract years (« année de contrat » 1 … N) of the contract."""
    return int(ParameterTrail().value("aci.cpts.duree_contrat", contract.date_signature))


def mission_defaults(code: str, size: int, at: dt.date) -> dict[str, Any]:
    """Default fixed / variable amounts of a mission from the national parameters (total of
    the size × default fixed share), with their status; ``None`` amounts when unknown."""
    trail = ParameterTrail()
    share = dec(trail.value("aci.cpts.missions.part_fixe_par_defaut", at))
    name = f"aci.cpts.missions.montant_total.{code}"
    total = None
    if name in trail.params:
        try:
            total = dec(trail.value(name, at, size))
        except LookupError:
            total = None
    fixed = round_cents(total * share) if total is not None else None
    return {
        "total": total,
        "part_fixe": fixed,
        "part_variable": (total - fixed) if total is not None else None,
        "verifie": trail.all_verified,
        "parametres": trail.to_list(),
    }


# ---------------------------------------------------------------------------------------------
# Contract → engine


def _num(value: Decimal) -> int | float:
    value = dec(value)
    return int(value) if value == value.to_integral_value() else float(value)


def contract_json(contract: Contract) -> dict[str, Any]:
    """The contract as the JSON accepted by ``maillage aci calcul`` (docs/regles.md)."""
    dossier = contract.dossier
    if contract.kind == Contract.Kind.MSP:
        return _msp_json(contract)
    raw: dict[str, Any] = {
        "type": "cpts",
        "nom": dossier.structure.nom,
        "date_signature": contract.date_signature.isoformat(),
        "population": covered_population(dossier),
    }
    if contract.taille_override:
        raw["taille"] = contract.taille_override
    if contract.fonctionnement_override is not None:
        raw["fonctionnement"] = _num(contract.fonctionnement_override)
    letter = event_date(dossier, Event.Kind.VALIDATION_ARS)
    if letter is not None and letter <= contract.date_signature:
        raw["date_validation_lettre_intention"] = letter.isoformat()
    dialogues = {str(d.annee_contrat): d.date.isoformat() for d in contract.dialogues.all()}
    if dialogues:
        raw["dates_dialogue_gestion"] = dialogues
    missions = []
    for mission in _missions(contract):
        m: dict[str, Any] = {
            "code": mission.code,
            "part_fixe": _num(mission.part_fixe),
            "part_variable": _num(mission.part_variable),
        }
        if mission.date_demarrage:
            m["date_demarrage"] = mission.date_demarrage.isoformat()
        if mission.date_deploiement:
            m["date_deploiement"] = mission.date_deploiement.isoformat()
        indicators = [_indicator_json(ind) for ind in mission.indicateurs.all()]
        if indicators:
            m["indicateurs"] = indicators
        missions.append(m)
    raw["missions"] = missions
    return raw


def _missions(contract: Contract):
    if _prefetched(contract, "missions"):
        return contract.missions.all()
    return contract.missions.prefetch_related("indicateurs__resultats")


def _indicator_json(ind) -> dict[str, Any]:
    """An indicator as the contract file gives it, with its validated results only."""
    i: dict[str, Any] = {
        "code": ind.code,
        "libelle": ind.libelle,
        "poids": _num(ind.poids),
        "valeur_initiale": _num(ind.valeur_initiale),
        "objectif": _num(ind.objectif),
        "mode": ind.mode,
    }
    if ind.objectifs_annuels:
        i["objectifs"] = {str(k): v for k, v in sorted(ind.objectifs_annuels.items())}
    if ind.paliers:
        i["paliers"] = ind.paliers
    results = {
        str(r.annee_contrat): _num(r.valeur)
        for r in ind.resultats.all()
        if r.statut == Result.Status.VALIDE
    }
    if results:
        i["resultats"] = results
    return i


def _msp_json(contract: Contract) -> dict[str, Any]:
    exercises = []
    exercises_qs = (
        contract.exercices.all()
        if _prefetched(contract, "exercices")
        else contract.exercices.prefetch_related("criteres")
    )
    for ex in exercises_qs:
        e: dict[str, Any] = {"annee": ex.annee, "patientele": ex.patientele}
        if ex.patientele_avance is not None:
            e["patientele_avance"] = ex.patientele_avance
        if ex.date_versement_avance:
            e["date_versement_avance"] = ex.date_versement_avance.isoformat()
        e["criteres"] = [
            {
                "code": c.code,
                "libelle": c.libelle or c.code,
                "categorie": c.categorie,
                "points_fixes": _num(c.points_fixes),
                "points_variables": _num(c.points_variables),
                "taux_atteinte": _num(c.taux_atteinte),
            }
            for c in ex.criteres.all()
        ]
        exercises.append(e)
    return {"type": "msp", "nom": contract.dossier.structure.nom, "exercices": exercises}


def contract_report(contract: Contract, year: int | None = None) -> dict[str, Any]:
    """Engine report of the contract (raises ``ContractError`` on an incomplete contract)."""
    raw = contract_json(contract)
    if raw["type"] == "msp" and all(year not in (None, e["annee"]) for e in raw["exercices"]):
        # No exercise (at all, or of ``year``): an empty report rather than an error.
        return {"type": "msp", "exercices": [], "alertes": [], "explications": [], "parametres": []}
    return compute_contract(raw, year)


def payments_due(report: dict[str, Any], year: int | None = None) -> list[dict[str, Any]]:
    """Dated payments due of a report (CPTS versements, MSP advance and balance)."""
    if report["type"] == "cpts":
        rows = report["versements"]
    else:
        rows = [
            {
                **p,
                "mission_libelle": f"Exercice {ex['annee']}",
                "composante_libelle": p.get("composante", ""),
            }
            for ex in report["exercices"]
            for p in ex["versements"]
        ]
    if year is not None:
        rows = [r for r in rows if r.get("date") and int(r["date"][:4]) == year]
    return rows


def statement(contract: Contract, year: int) -> dict[str, Any]:
    """Yearly statement: payments due in ``year`` (engine), payments made (ledger), gap."""
    report = contract_report(contract)
    due = payments_due(report, year)
    paid = list(contract.paiements.filter(date__year=year).order_by("date", "id"))
    total_due = sum((dec(r["montant"]) for r in due if r["montant"] is not None), Decimal(0))
    total_paid = sum((p.montant for p in paid), Decimal(0))
    return {
        "contrat": contract,
        "annee": year,
        "rapport": report,
        "dus": due,
        "en_attente": sum(r["montant"] is None for r in due),
        "verses": paid,
        "total_du": round_cents(total_due),
        "total_verse": round_cents(total_paid),
        "ecart": round_cents(total_due - total_paid),
    }


def deadlines(contract: Contract, today: dt.date | None = None) -> list[dict[str, Any]]:
    """Start / deployment deadline of each mission, with ``late`` when passed and not met."""
    today = today or dt.date.today()
    trail = ParameterTrail()
    sig = contract.date_signature
    starts = trail.value("aci.cpts.missions.delai_demarrage", sig)
    deploys = trail.value("aci.cpts.missions.delai_deploiement", sig)
    rows = []
    for mission in contract.missions.all():
        for what, months, done in (
            (
                "démarrage",
                starts.get(mission.code, mission.delai_demarrage_mois),
                mission.date_demarrage,
            ),
            (
                "déploiement",
                deploys.get(mission.code, mission.delai_deploiement_mois),
                mission.date_deploiement,
            ),
        ):
            if months is None:
                continue
            limit = add_months(sig, int(months))
            late = (done is None and today > limit) or (done is not None and done > limit)
            rows.append(
                {
                    "mission": mission,
                    "etape": what,
                    "mois": int(months),
                    "echeance": limit,
                    "realise": done,
                    "en_retard": late,
                }
            )
    return rows


def achievements(contract: Contract) -> list[dict[str, Any]]:
    """Per indicator and contract year: result (validated or not), the year's objective and
    the achievement rate, all from the engine's indicator (the one the variable part pays on);
    ``taux`` is None when the indicator is inconsistent (its error shows on the statement)."""
    rows = []
    for mission in _missions(contract):
        for ind in mission.indicateurs.all():
            try:
                indicator = parse_indicator(_indicator_json(ind), "indicateur")
            except ContractError:
                indicator = None
            for res in ind.resultats.all():
                goal, rate = None, None
                if indicator is not None:
                    goal = indicator.objective_for(res.annee_contrat)
                    try:
                        rate = indicator.achievement(res.annee_contrat, res.valeur)
                    except ValueError:
                        rate = None
                rows.append(
                    {
                        "mission": mission,
                        "indicateur": ind,
                        "resultat": res,
                        "objectif": goal,
                        "taux": rate,
                    }
                )
    return rows


# ---------------------------------------------------------------------------------------------
# Dashboards and key figures


def _signed_cpts_contracts(departements: list[str], year: int):
    """CPTS contracts in force at some point of ``year`` whose structure has a commune of the
    département(s) in its perimeter or as its seat, not dissolved before the year."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    in_deps = Q(dossier__structure__commune__departement__in=departements) | Q(
        dossier__structure__perimetre__commune__departement__in=departements
    )
    dissolved = Event.objects.filter(kind=Event.Kind.DISSOLUTION, date__lt=first).values(
        "dossier_id"
    )
    contracts = (
        Contract.objects.filter(kind=Contract.Kind.CPTS, date_signature__lte=last)
        .filter(in_deps)
        .exclude(dossier_id__in=Subquery(dissolved))
        .select_related("dossier__structure")
        .distinct()
    )
    return [c for c in contracts if contract_end(c) > first]


def _departement_communes(departements: list[str]):
    return Commune.objects.filter(
        departement__in=departements, statut=Commune.Statut.ACTUELLE
    ).exclude(nature=Commune.Nature.ARRONDISSEMENT)


def coverage(departements: list[str], year: int) -> dict[str, Any]:
    """Population covered by a CPTS with a signed ACI: each commune counted once."""
    contracts = _signed_cpts_contracts(departements, year)
    structure_ids = {c.dossier.structure_id for c in contracts}
    communes = _departement_communes(departements)
    perimeter = StructureCommune.objects.filter(structure_id__in=structure_ids)
    covered = communes.filter(code__in=Subquery(perimeter.values("commune_id")))
    total = communes.aggregate(p=Sum("population"))["p"] or 0
    covered_pop = covered.aggregate(p=Sum("population"))["p"] or 0
    overlaps = (
        perimeter.filter(commune__in=communes)
        .values("commune_id", "commune__nom")
        .annotate(n=Count("structure_id", distinct=True))
        .filter(n__gt=1)
        .order_by("commune_id")
    )
    return {
        "contrats": contracts,
        "population_departement": int(total),
        "population_couverte": int(covered_pop),
        "part_population_couverte": (covered_pop / total) if total else 0.0,
        "communes_couvertes": covered.count(),
        "chevauchements": list(overlaps),
    }


def _contracts_in(departements: list[str]):
    return for_reports(
        Contract.objects.filter(dossier__structure__commune__departement__in=departements)
    )


def amounts(departements: list[str], year: int) -> dict[str, Decimal]:
    due = Decimal(0)
    for contract in _contracts_in(departements):
        try:
            report = contract_report(contract)
        except ValueError:
            continue  # incomplete contract: listed with its error on its own page
        due += sum(
            (dec(r["montant"]) for r in payments_due(report, year) if r["montant"] is not None),
            Decimal(0),
        )
    paid = Payment.objects.filter(
        contrat__dossier__structure__commune__departement__in=departements, date__year=year
    ).aggregate(s=Sum("montant"))["s"] or Decimal(0)
    return {"dus": round_cents(due), "verses": round_cents(paid)}


def participants(departements: list[str], year: int) -> dict[str, int]:
    """Professionals taking part in a CPTS under a signed ACI, by profession category."""
    last = dt.date(year, 12, 31)
    structure_ids = [c.dossier.structure_id for c in _signed_cpts_contracts(departements, year)]
    members = (
        Member.objects.filter(dossier__structure_id__in=structure_ids)
        .filter(Q(date_entree__isnull=True) | Q(date_entree__lte=last))
        .filter(Q(date_sortie__isnull=True) | Q(date_sortie__gt=dt.date(year, 1, 1)))
        .values("categorie")
        .annotate(n=Count("id"))
        .order_by("-n", "categorie")
    )
    return {row["categorie"]: row["n"] for row in members}


def msp_under_aci(departements: list[str], year: int) -> int:
    return (
        Contract.objects.filter(
            kind=Contract.Kind.MSP,
            dossier__structure__kind=Structure.Kind.MSP,
            dossier__structure__commune__departement__in=departements,
            date_signature__lte=dt.date(year, 12, 31),
        )
        .exclude(
            dossier__evenements__kind=Event.Kind.DISSOLUTION,
            dossier__evenements__date__lt=dt.date(year, 1, 1),
        )
        .values("dossier_id")
        .distinct()
        .count()
    )


def stages(departements: list[str]) -> dict[str, int]:
    counts: Counter[str] = Counter()
    dossiers = Dossier.objects.filter(
        structure__commune__departement__in=departements
    ).prefetch_related("evenements")
    for dossier in dossiers:
        counts[current_stage(dossier)] += 1
    return {label: counts.get(value, 0) for value, label in Stage.choices}


def late_missions(departements: list[str], today: dt.date | None = None) -> list[dict]:
    rows = []
    for contract in _contracts_in(departements).filter(kind=Contract.Kind.CPTS):
        for row in deadlines(contract, today):
            if row["en_retard"]:
                rows.append({**row, "contrat": contract})
    return rows


def coordinated_care_figures(departement_code: str, year: int) -> dict[str, Any]:
    """Yearly key figures of a département, all derived from the records (issue 7 uses it)."""
    deps = [departement_code]
    cov = coverage(deps, year)
    money = amounts(deps, year)
    return {
        "departement": departement_code,
        "annee": year,
        "cpts_signees": len(cov["contrats"]),
        "population_departement": cov["population_departement"],
        "population_couverte": cov["population_couverte"],
        "part_population_couverte": cov["part_population_couverte"],
        "chevauchements": len(cov["chevauchements"]),
        "msp_aci": msp_under_aci(deps, year),
        "participants_par_profession": participants(deps, year),
        "montants_dus": money["dus"],
        "montants_verses": money["verses"],
    }


def cpts_map(departements: list[str], year: int) -> dict[str, Any]:
    """GeoJSON of the communes of the département(s), tagged with the signed CPTS covering
    them (``n`` > 1: overlap)."""
    contracts = _signed_cpts_contracts(departements, year)
    by_commune: dict[str, list[str]] = {}
    for row in StructureCommune.objects.filter(
        structure_id__in=[c.dossier.structure_id for c in contracts]
    ).values("commune_id", "structure__nom"):
        by_commune.setdefault(row["commune_id"], []).append(row["structure__nom"])
    features = []
    for commune in _departement_communes(departements).only("code", "nom", "contour"):
        if not commune.contour:
            continue
        names = sorted(set(by_commune.get(commune.code, [])))
        features.append(
            {
                "type": "Feature",
                "geometry": commune.contour,
                "properties": {
                    "code": commune.code,
                    "nom": commune.nom,
                    "cpts": names,
                    "n": len(names),
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def territory_figures(structure: Structure) -> dict[str, Any]:
    """Key figures of a CPTS territory for the dialogue de gestion."""
    from maillage.web.supply.models import Activity

    codes = list(
        StructureCommune.objects.filter(structure=structure).values_list("commune_id", flat=True)
    )
    population = Commune.objects.filter(code__in=codes).aggregate(p=Sum("population"))["p"]
    pros = (
        Activity.objects.filter(commune_id__in=codes, professional__actif=True)
        .values("professional__categorie")
        .annotate(n=Count("professional_id", distinct=True))
        .order_by("-n")
    )
    return {
        "communes": len(codes),
        "population": population or 0,
        "professionnels": {profession_label(r["professional__categorie"]): r["n"] for r in pros},
    }


MISSION_CHOICES = list(MISSION_LABELS.items())


@functools.cache
def profession_labels() -> dict[str, str]:
    """French labels of the profession categories (table of the supply parsers)."""
    from maillage.engine.sources.professions import load_profession_table

    return load_profession_table().labels


def profession_label(code: str) -> str:
    return profession_labels().get(code, code)
