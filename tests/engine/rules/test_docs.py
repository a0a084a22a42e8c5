"""docs/regles.md is tested against the code: parameters, contract fields, CLI options."""

from __future__ import annotations

import json
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
def test_examples_compute(path):
    report = compute_contract(json.loads(path.read_text("utf-8")))
    assert report["parametres"]
