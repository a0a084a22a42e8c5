"""The dated-parameter loader: the real tree loads, and malformed files are refused."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest

from maillage.engine.rules.loader import (
    NoValueAtDate,
    ParameterFileError,
    ParameterNotFound,
    list_parameters,
    load_parameters,
)

GOOD = """\
description: Un paramètre de test.
unite: "€"
last_value_still_valid_on: 2026-01-01
values:
  2020-01-01:
    value: 10
    reference: {titre: Texte A, url: "https://www.legifrance.gouv.fr/x"}
    statut: verifie
    source_tag: "V"
  2022-01-01:
    value: 12
    reference: {titre: Texte B}
    statut: non_verifie
    source_tag: "U"
  2024-01-01:
    value: null
    reference: {titre: Texte C}
    statut: verifie
    source_tag: "V"
"""


def write(tmp_path: Path, text: str, name: str = "a/b.yaml") -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_whole_tree_loads_and_every_parameter_is_documented():
    params = load_parameters()
    assert len(params) >= 50
    for parameter in params:
        assert parameter.description and parameter.unite
        for dated in parameter.values:
            assert dated.reference.titre


def test_dated_values_hold_until_the_next_date_and_null_ends(tmp_path):
    write(tmp_path, GOOD)
    params = load_parameters(tmp_path)
    with pytest.raises(NoValueAtDate, match="aucune valeur avant"):
        params.get("a.b", dt.date(2019, 12, 31))
    first = params.get("a.b", dt.date(2021, 12, 31))
    assert (first.value, first.statut, first.end) == (10, "verifie", dt.date(2022, 1, 1))
    second = params.get("a.b", dt.date(2022, 1, 1))
    assert (second.value, second.verifie, second.source_tag) == (12, False, "U")
    assert second.reference.titre == "Texte B"
    with pytest.raises(NoValueAtDate, match="plus de valeur"):
        params.get("a.b", dt.date(2030, 1, 1))
    with pytest.raises(ParameterNotFound):
        params.get("a.c", dt.date(2021, 1, 1))


def test_listing_gives_full_history(tmp_path):
    write(tmp_path, GOOD)
    (row,) = list_parameters(tmp_path)
    assert row["nom"] == "a.b"
    assert [h["valeur"] for h in row["historique"]] == [10, 12, None]
    assert row["historique"][0]["fin"] == "2022-01-01"
    assert row["historique"][1]["statut"] == "non_verifie"


def test_default_listing_covers_the_tree():
    names = {row["nom"] for row in list_parameters()}
    assert {"aci.cpts.fonctionnement", "securite_sociale.pass", "aci.msp.valeur_point"} <= names


def test_per_key_status():
    value = load_parameters().get("aci.cpts.plafond_annuel", dt.date(2023, 1, 1))
    assert value.statut == "non_verifie"
    assert value[4].statut == "verifie" and value[4].value == 580000
    assert value[1].statut == "non_verifie" and value[1].source_tag == "U"
    assert value.to_dict()["statut"] == "non_verifie"


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('unite: "€"', 'unite: "€"\nunit: x', "clé « unit » : clé(s) inconnue(s)"),
        ("  2022-01-01:", "  2022-13-01:", "date malformée"),
        ("  2022-01-01:", "  '2022-1-1':", "date malformée"),
        ("    reference: {titre: Texte B}\n", "", "clé(s) manquante(s) : reference"),
        ("    statut: non_verifie\n", "", "clé(s) manquante(s) : statut"),
        ("    statut: non_verifie", "    statut: peut_etre", "statut 'peut_etre' invalide"),
        ('    source_tag: "U"', '    source_tag: "U"\n    sources: x', "sources"),
        ('    source_tag: "U"', '    source_tag: "X"', "source_tag 'X' invalide"),
        ("    statut: non_verifie", "    statut: verifie", "incompatible avec le tag [U]"),
        ("{titre: Texte B}", "{titre: ''}", "titre de la référence manquant"),
        ("{titre: Texte B}", "{titre: B, lien: x}", "clé(s) inconnue(s) : lien"),
        ('url: "https://www.legifrance.gouv.fr/x"', "url: ftp://x", "url https:// attendue"),
        (
            "last_value_still_valid_on: 2026-01-01",
            "last_value_still_valid_on: hier",
            "clé « last_value_still_valid_on » : date malformée",
        ),
        ("    value: 10", "    value: [[1]]", "valeur scalaire attendue"),
        ("    value: 10", "    value: !fraction 2/0", "fraction malformée '2/0'"),
        ("    value: 10", "    value: {a: !fraction 0.5}", "fraction malformée '0.5'"),
        ("    value: 10", "    value: !fraction [1, 2]", "YAML invalide"),
    ],
)
def test_strict_loader_names_file_and_key(tmp_path, old, new, message):
    assert old in GOOD
    path = write(tmp_path, GOOD.replace(old, new, 1))
    with pytest.raises(ParameterFileError) as info:
        load_parameters(tmp_path)
    assert str(path) in str(info.value)
    assert message in str(info.value)


def test_fractions_are_exact_floats(tmp_path):
    text = GOOD.replace("    value: 10", "    value: {10: 1, 15: !fraction 2/3, 20: !fraction 1/3}")
    write(tmp_path, text.replace("    value: 12", "    value: [!fraction -1/4, 0.5]"))
    params = load_parameters(tmp_path)
    assert params.get("a.b", dt.date(2020, 1, 1)).value == {10: 1, 15: 2 / 3, 20: 1 / 3}
    assert params.get("a.b", dt.date(2022, 1, 1)).value == [-0.25, 0.5]
    assert list_parameters(tmp_path)[0]["historique"][0]["valeur"]["15"] == 2 / 3


def test_fraction_error_names_the_key(tmp_path):
    write(tmp_path, GOOD.replace("    value: 10", "    value: {15: !fraction deux/tiers}"))
    with pytest.raises(ParameterFileError) as info:
        load_parameters(tmp_path)
    assert info.value.key == "values.2020-01-01.value.15"


def test_key_named_in_error(tmp_path):
    write(tmp_path, GOOD.replace("  2022-01-01:", "  2022-02-30:"))
    with pytest.raises(ParameterFileError) as info:
        load_parameters(tmp_path)
    assert info.value.key == "values.2022-02-30"


def test_first_value_cannot_be_null(tmp_path):
    write(tmp_path, GOOD.replace("    value: 10", "    value: null"))
    with pytest.raises(ParameterFileError, match="première valeur"):
        load_parameters(tmp_path)


def test_invalid_yaml_and_empty_folder(tmp_path):
    with pytest.raises(ParameterFileError, match="aucun fichier"):
        load_parameters(tmp_path)
    write(tmp_path, "description: [\n")
    with pytest.raises(ParameterFileError, match="YAML invalide"):
        load_parameters(tmp_path)


@pytest.mark.parametrize(
    ("old", "new", "line", "key"),
    [
        # Two values for the same date: YAML alone would keep the second silently.
        (
            "  2024-01-01:\n",
            "  2022-01-01:\n    value: 13\n    reference: {titre: D}\n    statut: "
            "non_verifie\n    source_tag: U\n  2024-01-01:\n",
            15,
            "2022-01-01",
        ),
        # The same key twice inside one dated value.
        ("    value: 12\n", "    value: 12\n    value: 14\n", 12, "value"),
        # A top-level key twice.
        ('unite: "€"\n', 'unite: "€"\nunite: "%"\n', 3, "unite"),
    ],
)
def test_duplicate_keys_are_refused_with_file_and_line(tmp_path, old, new, line, key):
    assert old in GOOD
    path = write(tmp_path, GOOD.replace(old, new, 1))
    with pytest.raises(ParameterFileError) as info:
        load_parameters(tmp_path)
    assert info.value.line == line and info.value.key == key
    message = str(info.value)
    assert message.startswith(f"{path}, ligne {line}, clé « {key} » : clé en double")
    assert "déjà donnée ligne" in message


def test_yaml_syntax_error_names_the_line(tmp_path):
    write(tmp_path, "description: x\nunite: [\n")
    with pytest.raises(ParameterFileError) as info:
        load_parameters(tmp_path)
    assert info.value.line is not None and "ligne" in str(info.value)


def test_check_date_is_optional_and_never_invented(tmp_path):
    """No recorded check: the parameter says so (None), it does not borrow a date."""
    write(tmp_path, GOOD.replace("last_value_still_valid_on: 2026-01-01\n", ""))
    write(tmp_path, GOOD.replace("2026-01-01\n", "null\n", 1), "a/c.yaml")
    write(tmp_path, GOOD, "a/d.yaml")
    params = load_parameters(tmp_path)
    assert params.parameter("a.b").last_value_still_valid_on is None
    assert params.parameter("a.c").last_value_still_valid_on is None
    assert params.parameter("a.d").last_value_still_valid_on == dt.date(2026, 1, 1)
    rows = {row["nom"]: row for row in list_parameters(tmp_path)}
    assert rows["a.b"]["derniere_verification"] is None
    assert rows["a.d"]["derniere_verification"] == "2026-01-01"


def test_no_parameter_claims_a_check_nobody_made():
    """The 74 files once all said « still valid on 2026-11-24 », the day they were written,
    though nobody had checked them against their sources then (and the project's documentation
    records no check): that stamp must not come back."""
    params = load_parameters()
    assert len(params) >= 74
    stamped = [p.name for p in params if p.last_value_still_valid_on == dt.date(2026, 11, 24)]
    assert stamped == []


def test_check_date_cannot_be_in_the_future(tmp_path):
    future = dt.date.today() + dt.timedelta(days=1)
    write(tmp_path, GOOD.replace("2026-01-01\n", f"{future.isoformat()}\n", 1))
    with pytest.raises(ParameterFileError, match="dans le futur"):
        load_parameters(tmp_path)
