"""RPPS ``Personne_activite`` parser: real 2021 sample, synthetic 56-column rows, defects."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from maillage.engine.sources import professions, rpps
from maillage.engine.sources.errors import SourceError

from .generated import (
    HEADER_52,
    HEADER_56,
    doctor,
    random_rpps_rows,
    rpps_line,
    write_rpps,
    write_zip,
)

SHARED = Path(__file__).resolve().parents[3] / ".." / "shared" / "data"
SAMPLE = SHARED / "samples" / "rpps" / "PS_LibreAcces_Personne_activite_sample_2021.txt"


def batches_as_rows(path, **options) -> list[dict[str, str]]:
    rows = []
    for batch in rpps.iter_activity_batches(path, **options):
        rows.extend(batch.to_pylist())
    return rows


# --------------------------------------------------------------------------- real sample


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


def test_both_readers_agree_on_the_sample(shared_data):
    rows = batches_as_rows(SAMPLE)
    activities = list(rpps.iter_activities(SAMPLE))
    assert len(rows) == len(activities)
    for row, activity in zip(rows, activities, strict=True):
        for name in rpps.FIELDS:
            if name not in {"code_commune_structure", "departement"}:
                assert row[name] == getattr(activity, name), name


def test_count_professionals_on_the_sample(shared_data):
    counts = rpps.count_professionals(SAMPLE, postcode_to_commune={"25300": "25462"})
    assert counts.column_names == ["code_commune", "categorie", "mode_exercice", "effectif"]
    rows = {(r["code_commune"], r["categorie"], r["mode_exercice"]): r["effectif"]
            for r in counts.to_pylist()}  # fmt: skip
    assert rows[("25462", "audioprothesiste", "S")] == 1
    assert rows[("01053", "ergotherapeute", "S")] == 1
    assert rows[("", "opticien_lunetier", "S")] == 5
    assert sum(rows.values()) == 22


# --------------------------------------------------------------------------- layouts


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


def test_zip_with_timestamped_member(tmp_path):
    content = write_rpps(tmp_path / "a.txt", [doctor()])
    archive = write_zip(
        tmp_path / "PS_LibreAcces.zip",
        {
            "PS_LibreAcces_Dipl_AutExerc_202602170848.txt": b"x|\n",
            "PS_LibreAcces_Personne_activite_202602170848.txt": content.read_bytes(),
            "PS_LibreAcces_SavoirFaire_202602170848.txt": b"x|\n",
        },
    )
    assert [a.identifiant_national for a in rpps.iter_activities(archive)] == ["810001234567"]
    assert batches_as_rows(archive)[0]["code_profession"] == "10"


def test_zip_without_activity_member(tmp_path):
    archive = write_zip(tmp_path / "PS_LibreAcces.zip", {"autre.txt": b"a|b|\n"})
    with pytest.raises(SourceError, match="aucun fichier « Personne_activite »"):
        list(rpps.iter_activities(archive))


def test_header_case_and_accents_do_not_matter(tmp_path):
    header = [name.upper().replace("É", "E").replace("È", "E") for name in HEADER_52]
    path = tmp_path / "f.txt"
    row = {name.upper().replace("É", "E").replace("È", "E"): value
           for name, value in doctor().items() if name in HEADER_52}  # fmt: skip
    write_rpps(path, [row], header)
    (activity,) = rpps.iter_activities(path)
    assert activity.code_commune == "83023" and activity.categorie == "medecin_generaliste"
    assert batches_as_rows(path)[0]["prenom"] == "Alix"


def test_crlf_line_endings(tmp_path):
    path = write_rpps(tmp_path / "f.txt", [doctor(), doctor()], newline="\r\n")
    assert [a.code_commune for a in rpps.iter_activities(path)] == ["83023", "83023"]
    assert [r["code_commune_structure"] for r in batches_as_rows(path)] == ["83023"] * 2


# --------------------------------------------------------------------------- defects


@pytest.mark.parametrize("reader", [rpps.iter_activities, batches_as_rows])
def test_missing_column_names_the_file_and_column(tmp_path, reader):
    header = [name for name in HEADER_56 if name != "Code profession"]
    path = write_rpps(tmp_path / "f.txt", [{}], header)
    with pytest.raises(SourceError) as caught:
        list(reader(path))
    assert caught.value.column == "Code profession"
    assert str(path) in str(caught.value) and "colonne obligatoire absente" in str(caught.value)


@pytest.mark.parametrize("reader", [rpps.iter_activities, batches_as_rows])
def test_semicolon_separated_file(tmp_path, reader):
    path = tmp_path / "f.txt"
    path.write_text(";".join(HEADER_56) + ";\n" + ";" * 56 + "\n", encoding="utf-8")
    with pytest.raises(SourceError, match="séparateur inattendu \\(point-virgule\\)") as caught:
        list(reader(path))
    assert caught.value.line == 1


@pytest.mark.parametrize("reader", [rpps.iter_activities, batches_as_rows])
def test_bad_encoding_names_the_line(tmp_path, reader):
    rows = [doctor() for _ in range(50)]
    rows[40] = doctor(**{"Nom d'exercice": "LEFÈVRE"})
    path = write_rpps(tmp_path / "f.txt", rows)
    data = path.read_bytes().replace("LEFÈVRE".encode(), "LEFÈVRE".encode("latin-1"))
    path.write_bytes(data)
    with pytest.raises(SourceError, match="caractère illisible") as caught:
        list(reader(path))
    assert caught.value.line == 42


@pytest.mark.parametrize("reader", [rpps.iter_activities, batches_as_rows])
def test_truncated_line_aborts_with_its_number(tmp_path, reader):
    path = write_rpps(tmp_path / "f.txt", [doctor() for _ in range(10)])
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[6] = lines[6][:80]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(SourceError, match="nombre de champs incorrect") as caught:
        list(reader(path))
    assert caught.value.line == 7
    assert "57 champs" in caught.value.expected


def test_truncated_last_line_without_newline(tmp_path):
    path = write_rpps(tmp_path / "f.txt", [doctor(), doctor()])
    path.write_bytes(path.read_bytes()[:-40])
    with pytest.raises(SourceError) as caught:
        list(rpps.iter_activities(path))
    assert caught.value.line == 3


@pytest.mark.parametrize("reader", [rpps.iter_activities, batches_as_rows])
def test_skip_mode_reports_the_lines(tmp_path, reader):
    path = write_rpps(tmp_path / "f.txt", [doctor() for _ in range(10)])
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3] + "extra|"
    lines[8] = lines[8][:50]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = rpps.ParseReport()
    assert len(list(reader(path, on_error="skip", report=report))) == 8
    assert [error.line for error in report.skipped] == [4, 9]


def test_missing_file_and_empty_file(tmp_path):
    with pytest.raises(SourceError, match="introuvable"):
        list(rpps.iter_activities(tmp_path / "absent.txt"))
    (tmp_path / "vide.txt").write_bytes(b"")
    with pytest.raises(SourceError, match="vide"):
        list(rpps.iter_activities(tmp_path / "vide.txt"))


# --------------------------------------------------------------------------- communes


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


# --------------------------------------------------------------------------- aggregation


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


def test_count_professionals_matches_a_naive_count(tmp_path):
    path = write_rpps(tmp_path / "f.txt", random_rpps_rows(3000, seed=7))
    options = {"postcode_to_commune": {"83170": "83023"}, "merge_plm": True}
    activities = list(rpps.iter_activities(path, **options))
    professionals = rpps.aggregate_professionals(activities)
    expected: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    for activity in activities:
        category = professionals[activity.identifiant_national].categorie
        key = (activity.code_commune, category, activity.mode_exercice)
        expected[key].add(activity.identifiant_national)
    counts = rpps.count_professionals(path, **options).to_pylist()
    assert {(r["code_commune"], r["categorie"], r["mode_exercice"]): r["effectif"]
            for r in counts} == {key: len(ids) for key, ids in expected.items()}  # fmt: skip
    # Small blocks exercise the streaming over many batches.
    assert sum(len(b) for b in rpps.iter_activity_batches(path, block_size=1 << 14)) == 3000


# --------------------------------------------------------------------------- properties

_text = st.text(
    st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp"), blacklist_characters="|"),
    max_size=12,
).map(str.strip)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.fixed_dictionaries(dict.fromkeys(HEADER_56, _text)), min_size=1, max_size=8))
def test_any_valid_file_round_trips(tmp_path, rows):
    path = write_rpps(tmp_path / "round.txt", rows)
    activities = list(rpps.iter_activities(path))
    batch_rows = batches_as_rows(path)
    assert len(activities) == len(batch_rows) == len(rows)
    for row, activity, batch_row in zip(rows, activities, batch_rows, strict=True):
        assert activity.identifiant_national == row["Identification nationale PP"]
        assert activity.nom == row["Nom d'exercice"]
        assert activity.code_postal == row["Code postal (coord. structure)"]
        assert activity.code_savoir_faire == row["Code savoir-faire"]
        assert batch_row["nom"] == row["Nom d'exercice"]
        assert batch_row["code_commune_structure"] == row["Code commune (coord. structure)"]


# --------------------------------------------------------------------------- professions


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


def test_sources_do_not_import_django():
    code = (
        "import sys\n"
        "import maillage.engine.sources.rpps, maillage.engine.sources.finess\n"
        "import maillage.engine.sources.structures, maillage.engine.sources.indicators\n"
        "assert not [m for m in sys.modules if m.split('.')[0] == 'django'], 'django importé'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_rpps_line_helper_matches_the_real_header(shared_data):
    header = SAMPLE.read_text(encoding="utf-8").splitlines()[0]
    assert header == "|".join(HEADER_52) + "|"
    assert rpps_line({}, HEADER_52).count("|") == header.count("|")


def test_every_category_is_documented():
    docs = (Path(__file__).resolve().parents[3] / "docs" / "sources-offre.md").read_text(
        encoding="utf-8"
    )
    for category in professions.load_profession_table().categories:
        assert f"| `{category.code}` | {category.libelle} | {category.profession} |" in docs
