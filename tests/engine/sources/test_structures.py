"""CPTS perimeter file: members, conflicts between CPTS, bad lines."""

from __future__ import annotations

import pytest

from maillage.engine.sources import structures
from maillage.engine.sources.errors import SourceError

GOOD = """cpts_id;nom;code_insee
CPTS-83-01;CPTS Cœur du Var;83023
CPTS-83-01;CPTS Cœur du Var;83050
CPTS-83-01;CPTS Cœur du Var;83050
CPTS-83-02;CPTS Provence Verte;83116
CPTS-83-02;CPTS Provence Verte;83023
CPTS-2A-01;CPTS Pays ajaccien;2a004
"""


def write(tmp_path, text, encoding="utf-8"):
    path = tmp_path / "cpts.csv"
    path.write_bytes(text.encode(encoding))
    return path


def test_members_and_conflicts(tmp_path):
    result = structures.read_cpts(write(tmp_path, GOOD))
    assert list(result.cpts) == ["CPTS-83-01", "CPTS-83-02", "CPTS-2A-01"]
    coeur = result.cpts["CPTS-83-01"]
    assert (coeur.nom, coeur.communes, coeur.line) == ("CPTS Cœur du Var", ["83023", "83050"], 2)
    assert result.cpts["CPTS-2A-01"].communes == ["2A004"]
    assert result.conflicts == [
        structures.CptsConflict("83023", ("CPTS-83-01", "CPTS-83-02"), (2, 6))
    ]
    assert result.errors == []


def test_header_in_any_order_with_commas_and_cp1252(tmp_path):
    text = "Code_INSEE,Nom,CPTS_ID\n83023,CPTS Cœur du Var,A\n"
    result = structures.read_cpts(write(tmp_path, text, "cp1252"))
    assert result.cpts["A"].nom == "CPTS Cœur du Var"
    assert result.cpts["A"].communes == ["83023"]


@pytest.mark.parametrize(
    ("line", "message", "column"),
    [
        ("A;Nom;8302", "code INSEE de commune invalide", "code_insee"),
        ("A;;83023", "valeur obligatoire vide", "nom"),
        (";Nom;83023", "valeur obligatoire vide", "cpts_id"),
        ("A;Nom", "nombre de champs incorrect", None),
        ("CPTS-83-01;Autre nom;83116", "porte un autre nom ligne 2", "nom"),
    ],
)
def test_bad_lines_are_named(tmp_path, line, message, column):
    path = write(tmp_path, "cpts_id;nom;code_insee\nCPTS-83-01;CPTS Cœur du Var;83023\n" + line)
    with pytest.raises(SourceError, match=message) as caught:
        structures.read_cpts(path)
    assert caught.value.line == 3 and caught.value.column == column


def test_collect_mode_keeps_the_good_lines(tmp_path):
    text = "cpts_id;nom;code_insee\nA;Nom;83023\nA;Nom;QQQQQ\nB;;83050\nB;Autre;83050\n"
    result = structures.read_cpts(write(tmp_path, text), on_error="collect")
    assert [error.line for error in result.errors] == [3, 4]
    assert result.cpts["A"].communes == ["83023"] and result.cpts["B"].communes == ["83050"]


def test_missing_column_and_empty_file(tmp_path):
    with pytest.raises(SourceError, match="colonne obligatoire absente") as caught:
        structures.read_cpts(write(tmp_path, "cpts_id;nom\nA;B\n"))
    assert caught.value.column == "code_insee"
    with pytest.raises(SourceError, match="vide"):
        structures.read_cpts(write(tmp_path, ""))
