"""Runners of the YAML rule cases (see ``cases/`` and docs/regles.md, section « Cas de test »).

A case: ``name``, ``rule``, ``period`` (a date, or a year for contracts), ``input``,
``output``, optional ``margin`` (absolute tolerance on amounts, default 0: exact to the cent).
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

from maillage.engine.rules.aids import Project, simulate_aids
from maillage.engine.rules.common import ParameterTrail
from maillage.engine.rules.cpts import Level, achievement_rate, cpts_fonctionnement, cpts_size
from maillage.engine.rules.loader import ParameterFileError, load_parameters
from maillage.engine.rules.report import compute_contract

CASE_KEYS = {"name", "rule", "period", "input", "input_file", "output", "margin", "description"}
REPO = Path(__file__).resolve().parents[3]


class CaseFailure(AssertionError):
    pass


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def _close(actual: Any, expected: Any, margin: float, what: str) -> None:
    if expected is None or actual is None or isinstance(expected, bool | str | list | dict):
        if actual != expected:
            raise CaseFailure(f"{what} : attendu {expected!r}, obtenu {actual!r}")
        return
    if abs(Decimal(str(actual)) - Decimal(str(expected))) > Decimal(str(margin)):
        raise CaseFailure(f"{what} : attendu {expected}, obtenu {actual} (marge {margin})")


def _run_cpts_size(case: dict, margin: float) -> None:
    trail = ParameterTrail()
    size = cpts_size(case["input"]["population"], _date(case["period"]), trail)
    _close(size, case["output"]["taille"], 0, "taille")
    if "statut" in case["output"]:
        statut = "verifie" if trail.all_verified else "non_verifie"
        _close(statut, case["output"]["statut"], 0, "statut")


def _run_cpts_fonctionnement(case: dict, margin: float) -> None:
    amount = cpts_fonctionnement(case["input"]["taille"], _date(case["period"]))
    _close(amount, case["output"]["montant"], margin, "montant")


def _run_parameter(case: dict, margin: float) -> None:
    params = load_parameters()
    inp, out = case["input"], case["output"]
    try:
        value = params.get(inp["nom"], _date(case["period"]), inp.get("cle"))
    except LookupError:
        if out.get("absent"):
            return
        raise
    if out.get("absent"):
        raise CaseFailure(f"valeur attendue absente, obtenu {value.value!r}")
    if "valeur" in out:
        _close(value.value, out["valeur"], margin, "valeur")
    if "statut" in out:
        _close(value.statut, out["statut"], 0, "statut")
    if "derniere_verification" in out:
        checked = value.last_value_still_valid_on
        _close(checked and checked.isoformat(), out["derniere_verification"], 0, "vérification")
    if "url" in out:
        _close(value.reference.url, out["url"], 0, "url de la référence")


def _run_achievement(case: dict, margin: float) -> None:
    inp = case["input"]
    levels = [
        Level(Decimal(str(p["valeur"])), Decimal(str(p["taux"]))) for p in inp.get("paliers", [])
    ]
    rate = achievement_rate(
        inp["valeur_initiale"],
        inp["objectif"],
        inp["resultat"],
        levels,
        inp.get("mode", "lineaire"),
    )
    _close(rate, case["output"]["taux"], margin or 1e-9, "taux")


def _find(rows: list[dict], wanted: dict, what: str) -> dict:
    for row in rows:
        if all(k == "montant" or row.get(k) == v for k, v in wanted.items()):
            return row
    raise CaseFailure(f"{what} introuvable : {wanted}")


def _expect_error(out: dict, run) -> bool:
    """Run ``run``; with ``erreur_contient`` in the output, the case expects it to fail with a
    message containing that text (returns True when it did)."""
    if "erreur_contient" not in out:
        return False
    try:
        run()
    except (ValueError, LookupError) as error:
        if out["erreur_contient"] not in str(error):
            raise CaseFailure(
                f"erreur attendue « {out['erreur_contient']} », obtenu « {error} »"
            ) from error
        return True
    raise CaseFailure(f"erreur attendue « {out['erreur_contient']} », aucune erreur")


def _run_contract(case: dict, margin: float) -> None:
    period = case.get("period")
    year = int(period) if period is not None else None
    out = case["output"]
    if _expect_error(out, lambda: compute_contract(case["input"], year)):
        return
    report = compute_contract(case["input"], year)
    for key in ("taille", "total_versements", "versements_en_attente", "statut"):
        if key in out:
            _close(report[key], out[key], margin, key)
    if "nombre_versements" in out:
        _close(len(report["versements"]), out["nombre_versements"], 0, "nombre de versements")
    for wanted in out.get("versements", []):
        row = _find(report["versements"], wanted, "versement")
        if "montant" in wanted:
            _close(row["montant"], wanted["montant"], margin, f"versement {wanted}")
    for wanted in out.get("lignes", []):
        row = _find(report["lignes"], wanted, "ligne")
        if "montant" in wanted:
            _close(row["montant"], wanted["montant"], margin, f"ligne {wanted}")
    for wanted in out.get("plafonnement_membres", []):
        row = _find(report["plafonnement_membres"], {"membre": wanted["membre"]}, "membre")
        for key in ("plafond", "depassement"):
            if key in wanted:
                _close(row[key], wanted[key], margin, f"{wanted['membre']} {key}")
    for text in out.get("alertes_contiennent", []):
        if not any(text in alert for alert in report["alertes"]):
            raise CaseFailure(f"alerte contenant « {text} » absente : {report['alertes']}")
    for wanted in out.get("explications_contiennent", []):
        texts = [f"{e['objet']} : {e['regle']} — {e['raison']}" for e in report["explications"]]
        if not any(all(part in text for part in wanted) for text in texts):
            raise CaseFailure(f"explication contenant {wanted} absente : {texts}")
    if "sans_alerte_contenant" in out:
        for alert in report["alertes"]:
            if out["sans_alerte_contenant"] in alert:
                raise CaseFailure(f"alerte inattendue : {alert}")
    for wanted in out.get("exercices", []):
        ex = _find(report["exercices"], {"annee": wanted["annee"]}, "exercice")
        for key in ("total", "avance", "solde", "prerequis_remplis"):
            if key in wanted:
                _close(ex[key], wanted[key], margin, f"exercice {wanted['annee']} {key}")
        for line in wanted.get("lignes", []):
            row = _find(ex["lignes"], {"critere": line["critere"]}, "critère")
            _close(row["montant"], line["montant"], margin, f"critère {line['critere']}")
        for payment in wanted.get("versements", []):
            row = _find(ex["versements"], {"composante": payment["composante"]}, "versement")
            for key in ("date", "montant"):
                if key in payment:
                    _close(row[key], payment[key], margin, f"{payment['composante']} {key}")


PROJECT_FIELDS = {
    "premiere_installation": "first_installation",
    "installation": "installation",
    "jours_par_semaine": "days_per_week",
    "cabinet_secondaire": "secondary_practice",
    "exercice_groupe": "group_practice",
    "rejoint_cabinet": "joins_existing_practice",
    "age": "age",
    "accueil_stagiaire": "hosts_student",
    "mois_stagiaire": "student_months",
    "accueil_nouveau_medecin": "hosts_newcomer",
    "hopital_proximite": "hospital_proximity",
    "qpv": "qpv",
    "zfu_te": "zfu_te",
    "honoraires": "fees",
    "honoraires_zone": "fees_in_zone",
}


def _run_aids(case: dict, margin: float) -> None:
    inp = dict(case["input"])
    profession, zone = inp.pop("profession"), inp.pop("zone")
    kwargs = {}
    for key, value in inp.items():
        if key not in PROJECT_FIELDS:
            raise CaseFailure(f"champ de projet inconnu : {key}")
        if key in ("honoraires", "honoraires_zone"):
            value = Decimal(str(value))
        kwargs[PROJECT_FIELDS[key]] = value
    out = case["output"]
    at = _date(case["period"])
    if _expect_error(out, lambda: simulate_aids(profession, zone, at, Project(**kwargs))):
        return
    result = simulate_aids(profession, zone, at, Project(**kwargs))
    by_code = {a.code: a for a in result.aids}
    for code, amount in out.get("aides", {}).items():
        if code not in by_code:
            raise CaseFailure(f"aide {code} attendue, obtenu {sorted(by_code)}")
        _close(by_code[code].amount, amount, margin, f"aide {code}")
    for code in out.get("absentes", []):
        if code in by_code:
            raise CaseFailure(f"aide {code} inattendue")
    for code, statut in out.get("statuts", {}).items():
        _close(by_code[code].statut, statut, 0, f"statut {code}")
    for code, until in out.get("valide_jusquau", {}).items():
        _close(by_code[code].to_dict()["valide_jusquau"], until, 0, f"fin {code}")
    if "seulement" in out:
        _close(sorted(by_code), sorted(out["seulement"]), 0, "aides")
    refusals = {row["code"]: row["raison"] for row in result.not_eligible}
    for code, reason in out.get("raisons", {}).items():
        if reason not in refusals.get(code, ""):
            raise CaseFailure(f"raison « {reason} » attendue pour {code}, obtenu {refusals}")


def _run_parameter_file(case: dict, margin: float) -> None:
    """A parameter file given as text: loaded strictly, or refused with the expected error."""
    out = case["output"]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "cas" / "parametre.yaml"
        path.parent.mkdir()
        path.write_text(case["input"]["fichier"], encoding="utf-8")
        try:
            params = load_parameters(folder)
        except ParameterFileError as error:
            if "erreur_contient" not in out:
                raise CaseFailure(f"fichier refusé : {error}") from error
            message = str(error).replace(str(path), "parametre.yaml")
            _close(error.line, out.get("ligne", error.line), 0, "ligne")
            if out["erreur_contient"] not in message:
                raise CaseFailure(
                    f"erreur attendue « {out['erreur_contient']} », obtenu « {message} »"
                ) from error
            return
    if "erreur_contient" in out:
        raise CaseFailure(f"erreur attendue « {out['erreur_contient']} », fichier accepté")
    value = params.get("cas.parametre", _date(case["period"]))
    _close(value.value, out["valeur"], margin, "valeur")


RUNNERS = {
    "cpts_size": _run_cpts_size,
    "cpts_fonctionnement": _run_cpts_fonctionnement,
    "parameter": _run_parameter,
    "achievement_rate": _run_achievement,
    "contract": _run_contract,
    "aids": _run_aids,
    "parameter_file": _run_parameter_file,
}


def run_case(case: dict) -> None:
    if "input_file" in case:
        case = {**case, "input": json.loads((REPO / case["input_file"]).read_text("utf-8"))}
    RUNNERS[case["rule"]](case, case.get("margin", 0))
