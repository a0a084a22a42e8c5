"""Establishment classes by FINESS category (``finess_categories.yaml``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from maillage.engine.sources import finess
from maillage.engine.sources.errors import SourceError


def test_category_table():
    table = finess.load_category_table()
    assert table.classify("603") == "maison_sante"
    assert table.classify("124") == "centre_sante"
    assert table.classify("620") == "pharmacie"
    assert table.classify("500") == "ehpad"
    assert table.classify("355") == table.classify("101") == "hopital"
    assert table.classify("604") == "autre"
    assert table.labels["maison_sante"] == "Maison de santé pluriprofessionnelle"


def test_category_table_is_checked(tmp_path):
    path = tmp_path / "t.yaml"
    path.write_text(
        "classes:\n  - {code: a, libelle: A, categories: {'1': x}}\n"
        "  - {code: b, libelle: B, categories: {'1': y}}\n",
        encoding="utf-8",
    )
    with pytest.raises(SourceError, match="déjà classée"):
        finess.load_category_table(path)


def test_every_class_is_documented():
    docs = (Path(__file__).resolve().parents[4] / "docs" / "sources-offre.md").read_text(
        encoding="utf-8"
    )
    table = finess.load_category_table()
    for code, label in table.classes.items():
        categories = ", ".join(c for c, k in table.by_category.items() if k == code)
        assert f"| `{code}` | {label} | {categories} |" in docs
