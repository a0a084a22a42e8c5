"""Profession categories of the RPPS (``professions.yaml``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from maillage.engine.sources import professions
from maillage.engine.sources.errors import SourceError


def test_profession_table():
    table = professions.load_profession_table()
    for code in ("SM26", "SM53", "SM54", ""):
        assert table.category("10", code) == "medecin_generaliste"
    assert table.category("10", "SM20") == "gynecologue"
    assert table.category("10", "SM99") == "medecin_specialiste"
    expected = {"21": "pharmacien", "40": "chirurgien_dentiste", "50": "sage_femme",
                "60": "infirmier", "70": "masseur_kinesitherapeute", "80": "pedicure_podologue",
                "91": "orthophoniste", "92": "orthoptiste", "93": "psychologue",
                "94": "ergotherapeute"}  # fmt: skip
    for code, category in expected.items():
        assert table.category(code) == category
        assert table.category(code, "XYZ") == category
    assert table.category("99") == professions.OTHER
    assert table.labels["medecin_generaliste"] == "Médecin généraliste"
    assert table.labels["autre"] == "Autre profession"
    assert all(category.statut in {"V", "V-3p", "U"} for category in table.categories)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("categories:\n  - {code: a, libelle: A, profession: '10', couleur: x}\n", "clé inconnue"),
        ("categories:\n  - {code: a, libelle: A, profession: '10'}\n"
         "  - {code: b, libelle: B, profession: '10'}\n", "déjà attribué"),
        ("categories:\n  - {code: a, libelle: A, profession: '10'}\n"
         "  - {code: a, libelle: B, profession: '20'}\n", "en double"),
        ("categories:\n  - {code: a, profession: '10'}\n", "libelle"),
        ("autre: 1\n", "categories"),
    ],
)  # fmt: skip
def test_profession_table_is_checked(tmp_path, text, message):
    path = tmp_path / "table.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SourceError, match=message) as caught:
        professions.load_profession_table(path)
    assert str(path) in str(caught.value)


def test_every_category_is_documented():
    docs = (Path(__file__).resolve().parents[3] / "docs" / "sources-offre.md").read_text(
        encoding="utf-8"
    )
    for category in professions.load_profession_table().categories:
        assert f"| `{category.code}` | {category.libelle} | {category.profession} |" in docs
