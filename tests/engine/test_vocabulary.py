"""The one vocabulary of professions and zones: every code the registry uses has its label and
its map tier, and nothing else spells these codes."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from maillage.engine import vocabulary
from maillage.engine.rules.loader import load_parameters

SRC = Path(vocabulary.__file__).resolve().parents[1]


def test_professions_and_aliases():
    assert vocabulary.normalize_profession("kine") == vocabulary.PHYSIOTHERAPIST
    assert vocabulary.normalize_profession("medecin_generaliste") == vocabulary.GP
    with pytest.raises(ValueError, match="profession « dentiste » inconnue"):
        vocabulary.normalize_profession("dentiste")


def test_every_zone_of_every_zoning_has_a_label_and_a_tier():
    params = load_parameters()
    for profession, name in vocabulary.ZONING_PARAMETERS.items():
        assert profession in vocabulary.PROFESSION_LABELS
        for dated in params.parameter(name).values:
            for zone in dated.value or []:
                assert zone in vocabulary.ZONE_LABELS, zone
                assert vocabulary.ZONE_TIERS[zone] in vocabulary.TIERS, zone


def test_legend_covers_every_zone_of_the_profession():
    doctors = vocabulary.tier_legend(vocabulary.GP)
    assert [tier for tier, _ in doctors] == [*vocabulary.TIERS, vocabulary.UNKNOWN_TIER]
    assert doctors[0][1] == "zone d'intervention prioritaire (ZIP)"
    others = " ".join(label for _, label in vocabulary.tier_legend(vocabulary.NURSE))
    for zone in ("tres_sous_dotee", "sous_dotee", "intermediaire", "non_prioritaire", "sur_dotee"):
        assert vocabulary.ZONE_LABELS[zone] in others


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Très sous-dotée", "tres_sous_dotee"),
        ("zip", "ZIP"),
        ("Zone ZAC", "ZAC"),
        ("hors zonage", "hors_zonage"),
        ("Zones intermédiaires", "intermediaire"),
    ],
)
def test_normalise_zone(text, code):
    assert vocabulary.normalise_zone(text) == code


def _string_constants(path: Path) -> set[str]:
    return {
        node.value
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    }


@pytest.mark.parametrize("code", ["medecin_generaliste", "tres_sous_dotee", "hors_zonage"])
def test_codes_are_spelled_in_one_module(code):
    """Rules, accessibility, indicators and the modules serving them import the code from the
    vocabulary (demo data and the API's default values aside)."""
    allowed = {"engine/vocabulary.py", "web/access/api.py"}
    spelled = sorted(
        str(path.relative_to(SRC))
        for path in SRC.rglob("*.py")
        if "migrations" not in path.parts
        and not path.name.startswith("demo")
        and str(path.relative_to(SRC)) not in allowed
        and code in _string_constants(path)
    )
    assert spelled == []
