"""``maillage access`` command on plain files (click CliRunner)."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from click.testing import CliRunner

from maillage.commands.access import group

TIMES = "origine,destination,minutes\nA,B,8\nB,A,8\nA,C,14\nC,A,14\nB,C,18\nC,B,18\n"
POPULATION = "code,population\nA,1000\nB,2000\nC,500\n"
SUPPLY = "code,offre\nA,4000\nA,2000\nC,3000\n"  # two practitioners in A: summed
EXPECTED = {"A": 2.890909, "B": 2.345455, "C": 2.836364}


@pytest.fixture
def files(tmp_path):
    paths = {}
    for name, text in (("t.csv", TIMES), ("p.csv", POPULATION), ("s.csv", SUPPLY)):
        (tmp_path / name).write_text(text, encoding="utf-8")
        paths[name] = str(tmp_path / name)
    return paths


def run(*args):
    return CliRunner().invoke(group, list(args), catch_exceptions=False)


def result_of(text):
    frame = pd.read_csv(io.StringIO(text), dtype={"code": str})
    return dict(zip(frame["code"], frame["apl"], strict=True))


def test_worked_example_on_stdout(files):
    result = run(
        "apl",
        "--supply",
        files["s.csv"],
        "--population",
        files["p.csv"],
        "--travel-times",
        files["t.csv"],
        "--weights",
        "10:1,15:2/3,20:1/3",
    )
    assert result.exit_code == 0, result.output
    values = result_of(result.stdout)
    for code, expected in EXPECTED.items():
        assert values[code] == pytest.approx(expected, abs=5e-7)


def test_default_weights_output_file_and_dask(files, tmp_path):
    output = tmp_path / "apl.csv"
    for backend in ("local", "dask"):
        result = run(
            "apl",
            "--supply",
            files["s.csv"],
            "--population",
            files["p.csv"],
            "--travel-times",
            files["t.csv"],
            "--output",
            str(output),
            "--backend",
            backend,
        )
        assert result.exit_code == 0, result.output
        values = result_of(output.read_text(encoding="utf-8"))
        assert values["A"] == pytest.approx(EXPECTED["A"], abs=5e-7)


def test_fte_supply_and_age_profile(files, tmp_path):
    (tmp_path / "etp.csv").write_text("code,offre\nA,1\nC,0.5\n", encoding="utf-8")
    (tmp_path / "ages.csv").write_text(
        "code_insee,jeunes,vieux\nA,500,500\nB,2000,0\nC,0,500\n", encoding="utf-8"
    )
    (tmp_path / "profil.csv").write_text(
        "tranche,consommation\njeunes,2\nvieux,6\n", encoding="utf-8"
    )
    result = run(
        "apl",
        "--supply",
        str(tmp_path / "etp.csv"),
        "--population",
        str(tmp_path / "ages.csv"),
        "--profil",
        str(tmp_path / "profil.csv"),
        "--travel-times",
        files["t.csv"],
        "--unite-offre",
        "etp",
    )
    assert result.exit_code == 0, result.output
    values = result_of(result.stdout)
    # Σ P* · APL = Σ S: P* = (1000·2 + 1000·6)/c̄ … with c̄ = (2500·2 + 1000·6)/3500.
    c_bar = (2500 * 2 + 1000 * 6) / 3500
    demand = {"A": (500 * 2 + 500 * 6) / c_bar, "B": 2000 * 2 / c_bar, "C": 500 * 6 / c_bar}
    total = sum(demand[c] * values[c] for c in "ABC")
    assert total == pytest.approx(1.5 * 5400, rel=1e-9)


@pytest.mark.parametrize("date", [None, "2020-01-01", "2015-06-30", "2012-01-01"])
def test_crow_fly_points(tmp_path, date):
    """The crow-fly approximation is a convention of the project: it applies on every date the
    APL method exists (it was once dated from the day it was written, 2026-11-24, and
    ``--date 2020-01-01`` failed)."""
    (tmp_path / "pts.csv").write_text(
        "code_insee,latitude,longitude\n01001,46.1517,4.9306\n01002,46.00713,5.42464\n01003,,\n",
        encoding="utf-8",
    )
    (tmp_path / "p.csv").write_text("code,population\n01001,832\n01002,267\n01003,10\n")
    (tmp_path / "s.csv").write_text("code,offre\n01001,5400\n")
    dated = [] if date is None else ["--date", date]
    result = run(
        "apl",
        "--supply",
        str(tmp_path / "s.csv"),
        "--population",
        str(tmp_path / "p.csv"),
        "--crow-fly",
        str(tmp_path / "pts.csv"),
        *dated,
    )
    assert result.exit_code == 0, result.output
    values = result_of(result.stdout)
    assert values["01001"] == pytest.approx(5400 / 832)  # 01002 is ~40 km away
    assert values["01002"] == 0.0 and values["01003"] == 0.0
    assert "sans coordonnées" in result.stderr and "4" in result.stderr


@pytest.mark.parametrize(
    ("times", "message"),
    [
        ("origine,destination,minutes\nA,B,8\nB,A,huit\n", "ligne 3, colonne « minutes »"),
        ("origine,arrivee,minutes\nA,B,8\n", "colonne « destination »"),
        ("origine,destination,minutes\nA,B,8\nA,B,9\n", "ligne 3"),
    ],
)
def test_bad_travel_times_give_french_errors(files, tmp_path, times, message):
    (tmp_path / "bad.csv").write_text(times, encoding="utf-8")
    result = run(
        "apl",
        "--supply",
        files["s.csv"],
        "--population",
        files["p.csv"],
        "--travel-times",
        str(tmp_path / "bad.csv"),
    )
    assert result.exit_code == 1
    assert "bad.csv" in result.output and message in result.output


def test_usage_errors(files, tmp_path):
    result = run("apl", "--supply", files["s.csv"], "--population", files["p.csv"])
    assert result.exit_code == 2 and "--travel-times" in result.output
    result = run(
        "apl",
        "--supply",
        files["s.csv"],
        "--population",
        files["p.csv"],
        "--travel-times",
        files["t.csv"],
        "--weights",
        "10-1",
    )
    assert result.exit_code == 1 and "borne:poids" in result.output
    (tmp_path / "p2.csv").write_text("code,population\nA,1\nA,2\n", encoding="utf-8")
    result = run(
        "apl",
        "--supply",
        files["s.csv"],
        "--population",
        str(tmp_path / "p2.csv"),
        "--travel-times",
        files["t.csv"],
    )
    assert result.exit_code == 1 and "ligne 3" in result.output and "répété" in result.output


def test_parameters_listing_shows_status_and_source():
    result = run("parametres", "--date", "2020-01-01")
    assert result.exit_code == 0
    assert "apl.supply.acts_per_fte = 5400" in result.output
    assert "NON VÉRIFIÉ" in result.output and "source :" in result.output


def test_help_is_in_french():
    result = run("apl", "--help")
    assert "Calcule l'APL" in result.output and "bornes incluses" in result.output


def test_every_option_and_parameter_is_documented():
    from pathlib import Path

    from maillage.engine.accessibility import METHOD_ROOTS
    from maillage.engine.parameters import load_parameters

    doc = (Path(__file__).resolve().parents[3] / "docs" / "accessibilite.md").read_text(
        encoding="utf-8"
    )
    for command in group.commands.values():
        for option in command.params:
            for flag in option.opts:
                assert flag in doc, f"option {flag} absente de docs/accessibilite.md"
    for parameter in load_parameters():
        name = parameter.name
        if name.split(".", 1)[0] not in METHOD_ROOTS:
            continue
        prefix = name.rsplit(".", 1)[0]
        assert name in doc or f"{prefix}.*" in doc, f"paramètre {name} non documenté"
