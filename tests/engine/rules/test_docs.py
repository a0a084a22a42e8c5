"""docs/regles.md is tested against the code: parameters, contract fields, CLI options."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from maillage.commands.aides import command as aides
from maillage.engine.rules import contract
from maillage.engine.rules.loader import load_parameters
from maillage.engine.rules.report import compute_contract

DOCS = Path(__file__).resolve().parents[3] / "docs"
TEXT = (DOCS / "regles.md").read_text("utf-8")


def test_every_parameter_is_documented():
    missing = [p.name for p in load_parameters() if f"`{p.name}`" not in TEXT]
    assert not missing, f"paramètres absents de docs/regles.md : {missing}"


@pytest.mark.parametrize(
    "keys",
    [
        contract.CPTS_KEYS,
        contract.MISSION_KEYS,
        contract.INDICATOR_KEYS,
        contract.MSP_KEYS,
        contract.MSP_YEAR_KEYS,
        contract.CRITERION_KEYS,
    ],
)
def test_every_contract_field_is_documented(keys):
    documented = ("`{}`", ".{}`", "`{}[]", ".{}[]")
    assert not [k for k in keys if not any(f.format(k) in TEXT for f in documented)]


def test_every_aides_option_is_documented():
    options = [o for p in aides.params for o in p.opts if o.startswith("--")]
    assert not [o for o in options if f"`{o}" not in TEXT and f" {o}" not in TEXT]


@pytest.mark.parametrize("path", sorted((DOCS / "exemples").glob("*.json")), ids=lambda p: p.name)
def test_examples_compute_with_documented_sourced_parameters(path):
    report = compute_contract(json.loads(path.read_text("utf-8")))
    used = report["parametres"]
    assert used, "an example computes with dated parameters"
    for parameter in used:
        assert f"`{parameter['nom']}`" in TEXT, parameter["nom"]
        assert parameter["reference"]["titre"], parameter["nom"]
        assert parameter["statut"] in {"verifie", "non_verifie"}, parameter["nom"]


def french_amount(text: str) -> float:
    return float(text.replace("\u202f", "").replace("\xa0", "").replace(" ", "").replace(",", "."))


def test_msp_example_gives_the_amounts_the_documentation_states():
    stated = re.search(
        r"`docs/exemples/contrat-msp-2024\.json` \(rémunération ([\d\s\u202f,]+) €, "
        r"avance ([\d\s\u202f,]+) €,\s+solde ([\d\s\u202f,]+) €",
        TEXT,
    )
    assert stated, "regles.md states the example's amounts"
    report = compute_contract(json.loads((DOCS / "exemples" / "contrat-msp-2024.json").read_text()))
    (exercise,) = report["exercices"]
    assert [exercise["total"], exercise["avance"], exercise["solde"]] == [
        pytest.approx(french_amount(v)) for v in stated.groups()
    ]
