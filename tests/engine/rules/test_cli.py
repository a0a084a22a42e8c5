"""``maillage aci calcul`` and ``maillage aides`` through click's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from maillage.commands.aci import group as aci
from maillage.commands.aides import command as aides

EXAMPLES = Path(__file__).resolve().parents[3] / "docs" / "exemples"
CPTS = EXAMPLES / "contrat-cpts-taille3-2022.json"
MSP = EXAMPLES / "contrat-msp-2024.json"


def run(command, args):
    return CliRunner().invoke(command, [str(a) for a in args])


def test_cpts_json_for_one_year():
    result = run(aci, ["calcul", CPTS, "--annee", 2023, "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["taille"] == 3
    assert all(p["date"].startswith("2023-") for p in report["versements"])
    assert {"date": "2023-04-15", "composante": "fonctionnement", "montant": 75000.0}.items() <= (
        next(p for p in report["versements"] if p["composante"] == "fonctionnement").items()
    )
    names = {p["nom"] for p in report["parametres"]}
    assert {"aci.cpts.fonctionnement", "aci.cpts.versement.avance_part_fixe"} <= names
    assert all(p["reference"]["titre"] and p["statut"] for p in report["parametres"])
    assert report["statut"] == "non_verifie"


def test_cpts_text_table_in_french():
    result = run(aci, ["calcul", CPTS])
    assert result.exit_code == 0, result.output
    for text in (
        "Montants dus par année de contrat",
        "Versements",
        "Paramètres utilisés",
        "NON VÉRIFIÉ",
        "Part fixe : avance",
        "75\u202f000,00 €",
    ):
        assert text in result.output


def test_msp_json_and_text():
    result = run(aci, ["calcul", MSP, "--json"])
    assert result.exit_code == 0, result.output
    (exercise,) = json.loads(result.output)["exercices"]
    assert exercise["total"] == 40441.8
    text = run(aci, ["calcul", MSP, "--annee", 2024])
    assert "Rémunération de l'année : 40\u202f441,80 €" in text.output
    missing = run(aci, ["calcul", MSP, "--annee", 2023])
    assert missing.exit_code != 0
    assert "aucun exercice 2023" in missing.output


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (
            lambda c: c["missions"][2].update(date_demarrage="01/01/2023"),
            "missions[2].date_demarrage : date attendue AAAA-MM-JJ",
        ),
        (lambda c: c.pop("date_signature"), "date_signature : champ obligatoire manquant"),
        (lambda c: c["missions"][0].update(part_fixe="beaucoup"), "missions[0].part_fixe : nombre"),
        (
            lambda c: c["missions"][0]["indicateurs"][0].update(poids=0.9),
            "missions[0].indicateurs : la somme des poids dépasse 1",
        ),
        (lambda c: c["missions"][1].update(code="inconnue"), "missions[1].code : mission inconnue"),
        (lambda c: c.update(taile=3), "taile : champ inconnu"),
        (lambda c: c.update(type="esp"), "type : « cpts » ou « msp » attendu"),
        (
            lambda c: c["missions"][0]["indicateurs"][0]["paliers"][0].update(valeur=900),
            "missions[0].indicateurs[0].paliers[0].valeur",
        ),
        (
            lambda c: c["missions"][0]["indicateurs"][0]["resultats"].update({"6": 1}),
            "missions[0].indicateurs[0].resultats : clé « 6 »",
        ),
    ],
)
def test_bad_contract_errors_name_the_field(tmp_path, mutate, message):
    contract = json.loads(CPTS.read_text("utf-8"))
    mutate(contract)
    path = tmp_path / "contrat.json"
    path.write_text(json.dumps(contract), "utf-8")
    result = run(aci, ["calcul", path])
    assert result.exit_code == 1
    assert message in result.output


def test_invalid_json_reports_line(tmp_path):
    path = tmp_path / "contrat.json"
    path.write_text('{"type": "cpts",\n "nom": }', "utf-8")
    result = run(aci, ["calcul", path])
    assert result.exit_code == 1
    assert "JSON invalide, ligne 2" in result.output


def test_aides_2025_caim_json():
    result = run(
        aides,
        [
            "--zone",
            "ZIP",
            "--profession",
            "medecin_generaliste",
            "--date",
            "2025-06-01",
            "--jours-par-semaine",
            "4",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    caim = next(a for a in data["aides"] if a["code"] == "caim")
    assert caim["montant"] == 50000.0
    assert caim["statut"] == "verifie"
    assert caim["valide_jusquau"] == "2025-12-31"
    assert caim["parametres"][0]["reference"]["titre"]
    assert [v["montant"] for v in caim["versements"]] == [25000.0, 25000.0]


def test_aides_2026_text():
    result = run(
        aides,
        [
            "--zone",
            "ZIP",
            "--profession",
            "medecin_generaliste",
            "--date",
            "2026-03-01",
            "--premiere-installation",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "Aide à la première installation (convention médicale 2024) : 10\u202f000,00 €" in (
        result.output
    )
    assert "CAIM" not in result.output.split("Non éligible")[0]


def test_aides_bad_zone_and_date():
    result = run(aides, ["--zone", "ZIP", "--profession", "infirmier", "--date", "2025-01-01"])
    assert result.exit_code == 1
    assert "zone « ZIP » inconnue pour la profession infirmier" in result.output
    result = run(aides, ["--zone", "ZIP", "--profession", "medecin_generaliste", "--date", "3/1"])
    assert result.exit_code == 2
    assert "date attendue AAAA-MM-JJ" in result.output
    result = run(aides, ["--zone", "ZIP", "--profession", "dentiste"])
    assert "profession « dentiste » inconnue" in result.output


@pytest.mark.parametrize(
    ("profession", "aid"),
    [
        ("masseur_kinesitherapeute", "aide_installation_creation_reprise"),
        ("infirmier", "aide_installation_autre_installation"),
    ],
)
def test_aides_already_installed_gets_no_installation_aid(profession, aid):
    """Issue 10 §4: a professional declared already installed was granted 49 000 € (physio) or
    27 500 € (nurse) of installation aid."""
    args = ["--zone", "tres_sous_dotee", "--profession", profession, "--date", "2025-01-01"]
    granted = json.loads(run(aides, [*args, "--json"]).output)
    assert [a["code"] for a in granted["aides"]] == [aid]
    result = run(aides, [*args, "--sans-installation", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["aides"] == []
    assert {
        "code": aid,
        "raison": "réservée à une installation : le professionnel est déjà installé",
    } in data["non_eligibles"]
    text = run(aides, [*args, "--sans-installation"]).output
    assert "Aucune aide connue pour ce projet." in text and "déjà installé" in text


def test_aides_first_installation_and_already_installed_is_a_usage_error():
    result = run(
        aides,
        [
            "--zone",
            "tres_sous_dotee",
            "--profession",
            "infirmier",
            "--premiere-installation",
            "--sans-installation",
        ],
    )
    assert result.exit_code == 2  # click's usage error, before any computation
    assert "--premiere-installation et --sans-installation sont incompatibles" in result.output


def test_cpts_2021_statement_says_which_rule_applied(tmp_path):
    """Issue 10 §4: a CPTS signed in 2021 got the 2019 amounts with no word of the avenant
    n° 2 uplift; the statement now applies it to year 1 and says why."""
    contract = json.loads(CPTS.read_text("utf-8"))
    contract["date_signature"] = "2021-04-15"
    contract.pop("date_validation_lettre_intention", None)
    path = tmp_path / "contrat.json"
    path.write_text(json.dumps(contract), "utf-8")
    report = json.loads(run(aci, ["calcul", path, "--json"]).output)
    year1 = next(
        line
        for line in report["lignes"]
        if line["annee_contrat"] == 1 and line["composante"] == "fonctionnement"
    )
    assert year1["montant"] == 131250.0
    uplift = next(e for e in report["explications"] if "avenant n° 2" in e["objet"])
    assert "31/12/2021" in uplift["raison"] and uplift["annees_contrat"] == [1]
    assert any("avenant n° 2" in a for a in report["alertes"])
    text = run(aci, ["calcul", path]).output
    assert "Règles appliquées" in text and "pourquoi :" in text
    assert "Majoration de l'avenant n° 2 (année 1)" in text
