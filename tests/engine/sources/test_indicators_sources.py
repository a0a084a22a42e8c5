"""Indicator sources: project CSV, DREES APL workbook (generated), data.ameli demography."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from maillage.engine.sources import indicators
from maillage.engine.sources.errors import SourceError

from .generated import write_apl_workbook

# --------------------------------------------------------------------------- project CSV


def write(tmp_path, text, name="f.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_indicator_values(tmp_path):
    text = (
        "indicateur;code_insee;annee;numerateur;denominateur\n"
        "densite_mg;83023;2024;12;17 500\n"
        "densite_mg_100000;83050;2024;85,7;100000\n"
        "passages_urgences;2A004;2023;1234.5;\n"
        "part_ald;83023;2024;150;120\n"
    )
    values = list(indicators.iter_indicator_values(write(tmp_path, text)))
    assert values[0] == indicators.IndicatorValue("densite_mg", "83023", 2024, 12.0, 17500.0)
    assert values[1].numerateur == 85.7 and values[1].denominateur == 100000.0
    assert values[2].code_insee == "2A004" and values[2].denominateur is None
    assert values[3].numerateur > values[3].denominateur  # allowed: not a proportion
    assert [value.line for value in values] == [2, 3, 4, 5]


@pytest.mark.parametrize(
    ("row", "message", "column"),
    [
        ("x;83023;2024;-1;10", "numérateur négatif", "numerateur"),
        ("x;83023;2024;1;0", "dénominateur nul ou négatif", "denominateur"),
        ("x;83023;2024;1;-3", "dénominateur nul ou négatif", "denominateur"),
        ("x;83023;2024;abc;3", "nombre invalide", "numerateur"),
        ("x;83023;2024;1.234,5;3", "nombre invalide", "numerateur"),
        ("x;8302;2024;1;3", "code INSEE de commune invalide", "code_insee"),
        ("x;83023;24;1;3", "année invalide", "annee"),
        (";83023;2024;1;3", "valeur obligatoire vide", "indicateur"),
        ("x;83023;2024;1", "nombre de champs incorrect", None),
        ("a;83023;2024;1;3", "valeur en double \\(déjà donnée ligne 2\\)", "code_insee"),
    ],
)
def test_indicator_defects(tmp_path, row, message, column):
    text = f"indicateur;code_insee;annee;numerateur;denominateur\na;83023;2024;1;2\n{row}\n"
    with pytest.raises(SourceError, match=message) as caught:
        list(indicators.iter_indicator_values(write(tmp_path, text)))
    assert caught.value.line == 3 and caught.value.column == column


def test_indicator_missing_column(tmp_path):
    with pytest.raises(SourceError, match="colonne obligatoire absente") as caught:
        list(indicators.iter_indicator_values(write(tmp_path, "indicateur;code_insee;annee\n")))
    assert caught.value.column == "numerateur"


@given(st.floats(min_value=0, max_value=1e9, allow_nan=False), st.sampled_from([",", "."]))
def test_parse_number_round_trips(value, decimal):
    text = repr(value).replace(".", decimal) if "e" not in repr(value) else repr(value)
    assert indicators.parse_number(text) == pytest.approx(value)


# --------------------------------------------------------------------------- APL


def test_apl_workbook(tmp_path):
    path = write_apl_workbook(
        tmp_path / "apl.xlsx",
        {
            2021: [(1001, 2.5), ("01002", "3,1"), ("2A004", 4), (83023, "NA")],
            2022: [(1001, 2.7), (83023, None), ("97411", 1.25)],
        },
    )
    values = list(indicators.iter_apl_values(path))
    assert [(v.annee, v.code_insee, v.apl) for v in values] == [
        (2021, "01001", 2.5),
        (2021, "01002", 3.1),
        (2021, "2A004", 4.0),
        (2021, "83023", None),
        (2022, "01001", 2.7),
        (2022, "83023", None),
        (2022, "97411", 1.25),
    ]
    assert values[0].feuille == "APL 2021" and values[0].ligne == 5


def test_apl_column_choice_and_errors(tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "2023"
    sheet.append(["CODGEO", "APL tous âges", "APL aux 65 ans et plus"])
    sheet.append(["83023", 3.0, 2.0])
    path = tmp_path / "apl.xlsx"
    workbook.save(path)
    assert [v.apl for v in indicators.iter_apl_values(path)] == [3.0]
    assert [v.apl for v in indicators.iter_apl_values(path, apl_column="65 ans")] == [2.0]
    sheet.append(["83050", "beaucoup", 1.0])
    workbook.save(path)
    with pytest.raises(SourceError, match="valeur APL invalide") as caught:
        list(indicators.iter_apl_values(path))
    assert caught.value.line == 3 and "[2023]" in str(caught.value)
    sheet.title = "Données"
    workbook.save(path)
    with pytest.raises(SourceError, match="année introuvable"):
        list(indicators.iter_apl_values(path))


def test_apl_without_recognisable_sheet(tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(["Commune", "Valeur"])
    workbook.save(tmp_path / "x.xlsx")
    with pytest.raises(SourceError, match="aucune feuille"):
        list(indicators.iter_apl_values(tmp_path / "x.xlsx"))
    (tmp_path / "y.xlsx").write_bytes(b"not a workbook")
    with pytest.raises(SourceError, match="illisible"):
        list(indicators.iter_apl_values(tmp_path / "y.xlsx"))


# --------------------------------------------------------------------------- data.ameli

AMELI_HEADER = (
    "annee;profession_sante;region;libelle_region;departement;libelle_departement;classe_age;"
    "libelle_classe_age;libelle_sexe;effectif;densite"
)
PACA = "93;Provence-Alpes-Côte d'Azur"
AMELI_ROWS = [
    f"2023;Médecins généralistes;{PACA};83;Var;00;Tout âge;tout sexe;1200;108,5",
    f"2023;Médecins généralistes;{PACA};83;Var;00;Tout âge;hommes;700;NS",
    f"2023;Médecins généralistes;{PACA};83;Var;30;30 à 34 ans;femmes;NS;NS",
    f"2023;Médecins généralistes;{PACA};83;Var;30;30 à 34 ans;hommes;12;4.2",
    f"2023;Médecins généralistes;{PACA};83;Var;30;30 à 34 ans;tout sexe;40;NC",
    "2023;Médecins généralistes;99;France;999;FRANCE;00;Tout âge;tout sexe;99000;146",
    f"2023;Ensemble des médecins;{PACA};83;Var;30;30 à 34 ans;hommes;80;3",
    "2023;Infirmiers;99;Tout;99;Tout département;30;30 à 34 ans;hommes;1;1",
]


def test_ameli_detail_rows(tmp_path):
    path = write(tmp_path, "\n".join([AMELI_HEADER, *AMELI_ROWS]) + "\n")
    rows = list(indicators.iter_ameli_demography(path))
    assert [(r.libelle_classe_age, r.libelle_sexe, r.effectif, r.densite) for r in rows] == [
        ("30 à 34 ans", "femmes", None, None),
        ("30 à 34 ans", "hommes", 12, 4.2),
    ]
    assert rows[0].departement == "83" and rows[0].annee == 2023 and rows[0].line == 4


def test_ameli_totals_and_comma_separator(tmp_path):
    lines = [line.replace(";", ",") for line in [AMELI_HEADER, *AMELI_ROWS]]
    # A comma-separated export quotes the fields that hold a comma.
    lines = [line.replace("108,5", '"108.5"') for line in lines]
    path = write(tmp_path, "\n".join(lines).replace(",108,5", ',"108.5"') + "\n")
    (total,) = indicators.iter_ameli_demography(path, rows="totals")
    assert (total.effectif, total.densite, total.libelle_departement) == (1200, 108.5, "Var")


def test_ameli_defects(tmp_path):
    bad = AMELI_ROWS[3].replace(";12;", ";douze;")
    path = write(tmp_path, "\n".join([AMELI_HEADER, bad]) + "\n")
    with pytest.raises(SourceError, match="nombre invalide") as caught:
        list(indicators.iter_ameli_demography(path))
    assert caught.value.line == 2 and caught.value.column == "effectif"
    path = write(tmp_path, AMELI_HEADER.replace(";densite", "") + "\n")
    with pytest.raises(SourceError, match="colonne obligatoire absente") as caught:
        list(indicators.iter_ameli_demography(path))
    assert caught.value.column == "densite"
