"""RPPS pyarrow reader: agrees with the line reader, same errors, same line numbers."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from maillage.engine.sources import rpps
from maillage.engine.sources.errors import SourceError

from ..generated import (
    HEADER_56,
    doctor,
    write_rpps,
)
from .readers import SAMPLE, batches_as_rows


def test_both_readers_agree_on_the_sample(shared_data):
    rows = batches_as_rows(SAMPLE)
    activities = list(rpps.iter_activities(SAMPLE))
    assert len(rows) == len(activities)
    for row, activity in zip(rows, activities, strict=True):
        for name in rpps.FIELDS:
            if name not in {"code_commune_structure", "departement"}:
                assert row[name] == getattr(activity, name), name


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
