"""COG, legal populations, populations by age and points: real headers, defects named."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from maillage.engine.sources import cog, points, populations
from maillage.engine.sources.errors import SourceError
from maillage.engine.sources.text import normalise_header
from tests.conftest import POINTS_ALL, POINTS_VAR

COG_HEADER = "TYPECOM,COM,REG,DEP,CTCD,ARR,TNCC,NCC,NCCENR,LIBELLE,CAN,COMPARENT\n"


def write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_cog_rows(tmp_path):
    path = write(
        tmp_path,
        "v_commune_2024.csv",
        COG_HEADER + "COM,01001,84,01,01D,012,5,ABERGEMENT CLEMENCIAT,Abergement-Clémenciat,"
        "L'Abergement-Clémenciat,0108,\n"
        + 'ARM,75113,11,75,75C,751,0,PARIS 13E ARRONDISSEMENT,"Paris 13e, arr.",'
        "Paris 13e Arrondissement,7599,75056\n",
    )
    rows = list(cog.read_cog_communes(path))
    assert [(r.type, r.code, r.parent) for r in rows] == [
        ("COM", "01001", None),
        ("ARM", "75113", "75056"),
    ]
    assert rows[0].nom == "L'Abergement-Clémenciat" and rows[1].line == 3


@pytest.mark.parametrize(
    ("body", "line", "column"),
    [
        ("ZZZ,01001,84,01,,,5,A,A,A,,\n", 2, "TYPECOM"),
        ("COM,0100,84,01,,,5,A,A,A,,\n", 2, "COM"),
        ("COM,01001,84,01,,,5,A,A,A,,\nARM,75113,11,75,,,0,P,P,P,,\n", 3, "COMPARENT"),
        ("COM,01001,84,01,,,5,A,A,A\n", 2, "CAN"),  # truncated line: first missing column
    ],
)
def test_cog_defects(tmp_path, body, line, column):
    path = write(tmp_path, "cog.csv", COG_HEADER + body)
    with pytest.raises(SourceError) as caught:
        list(cog.read_cog_communes(path))
    assert (caught.value.line, caught.value.column) == (line, column)


def test_cog_missing_column(tmp_path):
    path = write(tmp_path, "cog.csv", "TYPECOM,CODE,LIBELLE\nCOM,01001,A\n")
    with pytest.raises(SourceError, match="colonne obligatoire absente") as caught:
        list(cog.read_cog_communes(path))
    assert caught.value.column == "COM" and caught.value.line == 1


POP_HEADER = "CODREG;REG;CODDEP;CODARR;CODCAN;CODCOM;COM;PMUN;PCAP;PTOT\n"


def test_legal_populations_sum_plm_arrondissements(tmp_path):
    body = "84;Auvergne-Rhône-Alpes;01;1;04;009;Andert-et-Condon;326;9;335\n"
    body += "".join(
        f"11;Île-de-France;75;1;99;{100 + n};Paris {n}e;{1000 * n};0;{1000 * n}\n"
        for n in range(1, 21)
    )
    path = write(tmp_path, "donnees_communes.csv", POP_HEADER + body)
    rows = {r.code: r for r in populations.read_legal_populations(path)}
    assert rows["01009"].population_municipale == 326
    assert rows["75113"].population_municipale == 13000
    assert rows["75056"].population_municipale == sum(1000 * n for n in range(1, 21))
    assert rows["75056"].line is None


def test_legal_populations_bad_number(tmp_path):
    path = write(tmp_path, "d.csv", POP_HEADER + "84;ARA;01;1;04;009;Andert;trois cents;9;335\n")
    with pytest.raises(SourceError) as caught:
        list(populations.read_legal_populations(path))
    assert (caught.value.line, caught.value.column) == (2, "PMUN")
    assert "nombre entier" in str(caught.value)


def age_file(
    tmp_path, prefix="P21", rows=("01001;771.5;150;120;140;160;130;60;11.5",), encoding="utf-8"
):
    header = ";".join(
        ["CODGEO", f"{prefix}_POP"]
        + [f"{prefix}_POP{b}" for b in populations.AGE_BANDS]
        + [f"{prefix}_POPH"]
    )
    return write(
        tmp_path,
        "base-cc-evol-struct-pop.CSV",
        header + "\n" + "\n".join(r + ";380" for r in rows) + "\n",
        encoding,
    )


@pytest.mark.parametrize(("prefix", "year"), [("P21", 2021), ("P22", 2022)])
def test_age_year_detected_from_header(tmp_path, prefix, year):
    found, rows = populations.read_age_populations(age_file(tmp_path, prefix))
    rows = list(rows)
    assert found == year
    assert rows[0].bands["90P"] == 11.5 and rows[0].total == 771.5


def test_age_file_in_latin1_with_plm_sum(tmp_path):
    rows = [f"751{n:02d};1000;100;100;200;200;200;150;50" for n in range(1, 21)]
    _year, records = populations.read_age_populations(
        age_file(tmp_path, rows=rows, encoding="cp1252")
    )
    by_code = {r.code: r for r in records}
    assert by_code["75056"].total == 20000 and by_code["75056"].bands["7589"] == 3000


def test_age_file_without_year_column(tmp_path):
    path = write(tmp_path, "x.csv", "CODGEO;POP\n01001;3\n")
    with pytest.raises(SourceError, match="millésime introuvable"):
        populations.read_age_populations(path)


def test_age_file_bad_value(tmp_path):
    path = age_file(tmp_path, rows=("01001;771;150;120;140;x;130;60;11",))
    _, records = populations.read_age_populations(path)
    with pytest.raises(SourceError) as caught:
        list(records)
    assert (caught.value.line, caught.value.column) == (2, "4559")


def test_real_points_file(shared_data):
    rows = list(points.read_points(POINTS_ALL))
    assert len(rows) == 34976
    assert sum(1 for r in rows if r.lat is None) == 3
    toulon = next(r for r in points.read_points(POINTS_VAR) if r.code == "83137")
    assert toulon.lat == pytest.approx(43.13636) and toulon.lon == pytest.approx(5.93344)


@pytest.mark.parametrize(
    ("body", "line", "column"),
    [
        ("83137,43.1,\n", 2, "longitude"),
        ("83137,93.1,5.9\n", 2, "lat"),
        ("83137,43.1,cinq\n", 2, "lon"),
        ("8313,43.1,5.9\n", 2, "code_insee"),
        ("83137,43.1,5.9\n83001,43.2\n", 3, "longitude"),
    ],
)
def test_points_defects(tmp_path, body, line, column):
    path = write(tmp_path, "points.csv", "code_insee,latitude,longitude\n" + body)
    with pytest.raises(SourceError) as caught:
        list(points.read_points(path))
    assert (caught.value.line, caught.value.column) == (line, column)


def test_points_wrong_separator_header(tmp_path):
    path = write(tmp_path, "points.csv", "code_insee|latitude|longitude\n83137|43.1|5.9\n")
    with pytest.raises(SourceError) as caught:
        list(points.read_points(path))
    assert caught.value.line == 1


def test_points_invalid_utf8_is_reported_with_its_line(tmp_path):
    body = "code_insee,latitude,longitude\n" + "83137,43.1,5.9\n" * 3
    path = tmp_path / "points.csv"
    path.write_bytes(body.encode() + b"83\xff01,43.1,5.9\n")
    # cp1252 is accepted as a fallback encoding, so the byte decodes: the code is then wrong.
    with pytest.raises(SourceError) as caught:
        list(points.read_points(path))
    assert caught.value.line == 5


@given(
    st.lists(
        st.tuples(
            st.from_regex(r"[0-9]{5}", fullmatch=True),
            st.floats(-90, 90, allow_nan=False),
            st.floats(-180, 180, allow_nan=False),
        ),
        min_size=1,
        max_size=30,
    )
)
def test_points_round_trip(tmp_path_factory, rows):
    path = tmp_path_factory.mktemp("pts") / "p.csv"
    path.write_text(
        "code_insee;latitude;longitude\n"
        + "".join(f"{c};{lat!r};{lon!r}\n" for c, lat, lon in rows)
    )
    parsed = [(p.code, p.lat, p.lon) for p in points.read_points(path)]
    assert parsed == [(c, float(repr(lat)), float(repr(lon))) for c, lat, lon in rows]


@given(st.text(alphabet=st.characters(categories=["L", "Zs"]), max_size=20))
def test_header_normalisation_is_idempotent(name):
    once = normalise_header(name)
    assert normalise_header(once) == once


def test_header_normalisation_ignores_case_accents_and_spaces():
    assert normalise_header("Libellé Civilité  d’exercice") == "libelle civilite d'exercice"
    assert normalise_header("\ufeffCODGEO") == "codgeo"
