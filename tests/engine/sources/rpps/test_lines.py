"""RPPS line-by-line reader: real 2021 sample, synthetic 56-column rows, communes, defects."""

from __future__ import annotations

from collections import Counter

import pytest

from maillage.engine.sources import rpps
from maillage.engine.sources.errors import SourceError

from ..generated import (
    doctor,
    write_rpps,
)
from .readers import SAMPLE, batches_as_rows


def test_real_sample_2021(shared_data):
    activities = list(rpps.iter_activities(SAMPLE))
    assert len(activities) == 22
    professionals = rpps.aggregate_professionals(activities)
    assert len(professionals) == 22
    assert {a.code_profession for a in activities} == {
        "10", "26", "28", "31", "71", "72", "86", "92", "93", "94", "95", "96", "98",
    }  # fmt: skip
    assert Counter(a.type_identifiant for a in activities) == {"0": 21, "8": 1}
    doctor_line = professionals["811547280385"]
    assert doctor_line.categorie == "gynecologue"
    assert doctor_line.activites[0].code_savoir_faire == "SM20"
    assert doctor_line.activites[0].line == 23
    belley = next(a for a in activities if a.identifiant_national == "0126846563")
    assert (belley.code_commune, belley.origine_commune, belley.departement) == (
        "01034", "commune", "01",
    )  # fmt: skip
    assert (belley.finess_site, belley.siret, belley.raison_sociale) == (
        "010000032", "26010003700068", "CH BUGEY SUD",
    )  # fmt: skip
    assert belley.secteur_activite == "SA01" and belley.mode_exercice == "S"
    assert belley.categorie == "ergotherapeute"
    # Doubs Optic: commune code empty, postcode 25300 filled (data-sources.md pitfall).
    doubs = next(a for a in activities if a.identifiant_national == "0191390996")
    assert doubs.code_commune == "" and doubs.code_postal == "25300"
    assert sum(not a.code_commune for a in activities) == 15


def test_real_sample_postcode_fallback(shared_data):
    activities = list(rpps.iter_activities(SAMPLE, postcode_to_commune={"25300": "25462"}))
    doubs = next(a for a in activities if a.identifiant_national == "0191390996")
    assert (doubs.code_commune, doubs.origine_commune, doubs.departement) == (
        "25462", "code_postal", "25",
    )  # fmt: skip


def test_synthetic_56_column_row(tmp_path):
    path = write_rpps(tmp_path / "ps-libreacces-personne-activite.txt", [doctor()])
    (activity,) = rpps.iter_activities(path)
    assert activity.identifiant_national == "810001234567"
    assert (activity.nom, activity.prenom) == ("EXEMPLE", "Alix")
    assert activity.categorie == "medecin_generaliste"
    assert (activity.code_commune, activity.code_postal, activity.departement) == (
        "83023", "83170", "83",
    )  # fmt: skip
    assert (activity.finess_site, activity.siret) == ("830000000", "12345678900012")
    assert activity.raison_sociale == "MAISON DE SANTE DE BRIGNOLES"
    assert (activity.mode_exercice, activity.secteur_activite) == ("L", "SA08")
    assert activity.line == 2


def test_crlf_line_endings(tmp_path):
    path = write_rpps(tmp_path / "f.txt", [doctor(), doctor()], newline="\r\n")
    assert [a.code_commune for a in rpps.iter_activities(path)] == ["83023", "83023"]
    assert [r["code_commune_structure"] for r in batches_as_rows(path)] == ["83023"] * 2


def test_truncated_last_line_without_newline(tmp_path):
    path = write_rpps(tmp_path / "f.txt", [doctor(), doctor()])
    path.write_bytes(path.read_bytes()[:-40])
    with pytest.raises(SourceError) as caught:
        list(rpps.iter_activities(path))
    assert caught.value.line == 3


def test_plm_parent():
    assert rpps.plm_parent("75101") == "75056"
    assert rpps.plm_parent("75120") == "75056"
    assert rpps.plm_parent("69381") == "69123"
    assert rpps.plm_parent("69389") == "69123"
    assert rpps.plm_parent("13201") == "13055"
    assert rpps.plm_parent("13216") == "13055"
    for other in ("75056", "75121", "69380", "13217", "13200", "83023", "2A004", ""):
        assert rpps.plm_parent(other) == other
    assert rpps.departement_of("97411") == "974" and rpps.departement_of("2A004") == "2A"


def test_merge_plm_and_postcode_fallback(tmp_path):
    rows = [
        doctor(**{"Code commune (coord. structure)": "75113", "Code Département (structure)": ""}),
        doctor(**{"Code commune (coord. structure)": "", "Code postal (coord. structure)": "13001",
                  "Code Département (structure)": ""}),
        doctor(**{"Code commune (coord. structure)": "", "Code postal (coord. structure)": "99999",
                  "Code Département (structure)": ""}),
    ]  # fmt: skip
    path = write_rpps(tmp_path / "f.txt", rows)
    table = {"13001": "13201"}
    plain = list(rpps.iter_activities(path, postcode_to_commune=table))
    assert [(a.code_commune, a.origine_commune) for a in plain] == [
        ("75113", "commune"), ("13201", "code_postal"), ("", ""),
    ]  # fmt: skip
    merged = list(rpps.iter_activities(path, postcode_to_commune=table, merge_plm=True))
    assert [a.code_commune for a in merged] == ["75056", "13055", ""]
    assert [a.departement for a in merged] == ["75", "13", ""]


def test_professional_category_prefers_the_most_specific_line(tmp_path):
    rows = [
        doctor(**{"Code savoir-faire": "", "Code type savoir-faire": ""}),
        doctor(**{"Code savoir-faire": "SM99"}),
        doctor(**{"Code savoir-faire": "SM20", "Code commune (coord. structure)": "83050"}),
    ]
    path = write_rpps(tmp_path / "f.txt", rows)
    activities = list(rpps.iter_activities(path))
    assert [a.categorie for a in activities] == [
        "medecin_generaliste", "medecin_specialiste", "gynecologue",
    ]  # fmt: skip
    (professional,) = rpps.aggregate_professionals(activities).values()
    assert professional.categorie == "gynecologue" and len(professional.activites) == 3
    counts = rpps.count_professionals(path).to_pylist()
    assert counts == [
        {"code_commune": "83023", "categorie": "gynecologue", "mode_exercice": "L", "effectif": 1},
        {"code_commune": "83050", "categorie": "gynecologue", "mode_exercice": "L", "effectif": 1},
    ]
