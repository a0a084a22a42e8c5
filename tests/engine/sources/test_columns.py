"""Typed columns: the fast path (pyarrow, vectorised checks) reads exactly what the locating
path reads, and every defect is named by the locating path with its line."""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from maillage.engine.sources import columns
from maillage.engine.sources.columns import Codes, Number, read_typed
from maillage.engine.sources.errors import SourceError

RULES = {"minutes": Number(minimum=0, expected="un temps")}


def outcome(function, *args, **kwargs):
    """What a reader gives: the codes and numbers read, or the error message."""
    try:
        read = function(*args, **kwargs)
    except SourceError as error:
        return ("erreur", str(error))
    return (
        "lu",
        {name: codes.text().tolist() for name, codes in read.codes.items()},
        {name: values.tolist() for name, values in read.numbers.items()},
        read.first_line,
        read.blank_lines,
    )


def located(path, codes=("code",), numbers=None, aliases=None, drop_blank=False):
    return columns.located._read_located(
        Path(path), codes, dict(numbers or RULES), aliases or {}, drop_blank
    )


def csv_text(header, rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


CODE = st.one_of(
    st.sampled_from(["01001", "2A004", " 75056", "97411 ", "", "nan", "None", "x"]),
    st.text(alphabet="0123456789AB ", min_size=1, max_size=6),
)
NUMBER = st.one_of(
    st.floats(min_value=-5, max_value=1e6, allow_nan=False).map(repr),
    st.integers(min_value=-3, max_value=10**6).map(str),
    st.sampled_from(["12,5", " 7", "8 ", "1e3", "+4", ".5", "3.", "-0", "", "abc", "nan"]),
    st.sampled_from(["inf", "1E400", "0x10", "1_0", "1 234", "1,5e2"]),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(st.tuples(CODE, NUMBER), min_size=0, max_size=12), drop=st.booleans())
def test_csv_fast_path_reads_what_the_locating_path_reads(rows, drop):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "t.csv"
        path.write_text(csv_text(["code", "minutes"], rows), encoding="utf-8")
        expected = outcome(located, path, drop_blank=drop)
        got = outcome(read_typed, path, ("code",), RULES, drop_blank=drop)
    assert got == expected


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.lists(
        st.tuples(
            st.one_of(st.none(), CODE),
            st.one_of(st.none(), st.just(float("nan")), st.floats(min_value=-2, max_value=1e5)),
        ),
        min_size=1,
        max_size=12,
    ),
    group=st.integers(min_value=1, max_value=5),
)
def test_parquet_fast_path_reads_what_the_locating_path_reads(rows, group):
    """Row groups of any size (one dictionary per group), nulls anywhere."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "t.parquet"
        table = pa.table(
            {
                "code": pa.array([r[0] for r in rows], type=pa.string()),
                "minutes": pa.array([r[1] for r in rows], type=pa.float64()),
            }
        )
        pq.write_table(table, path, row_group_size=group)
        expected = outcome(located, path)
        got = outcome(read_typed, path, ("code",), RULES)
    assert got == expected


@pytest.fixture
def no_locating_path(monkeypatch):
    """Well-formed files must be read by the fast path alone."""

    def refuse(*args, **kwargs):
        raise AssertionError("le fichier a été relu ligne à ligne")

    monkeypatch.setattr(columns.reader, "_read_located", refuse)


def test_well_formed_files_are_read_by_the_fast_path(tmp_path, no_locating_path):
    text = "\ufeffcode_insee , minutes,nom\r\n 01001,0,A\r\n2A004,12.5,B\r\n\r\n01001,1e1,C\r\n"
    (tmp_path / "t.csv").write_text(text, encoding="utf-8")
    read = read_typed(tmp_path / "t.csv", ("code",), RULES, aliases={"code_insee": "code"})
    assert read.codes["code"].text().tolist() == ["01001", "2A004", "01001"]
    assert read.numbers["minutes"].tolist() == [0.0, 12.5, 10.0]
    assert read.first_line == 2
    pq.write_table(
        pa.table({"code": ["01001", "2A004", "01001"], "minutes": pa.array([0, 5, 7])}),
        tmp_path / "t.parquet",
        row_group_size=2,
    )
    read = read_typed(tmp_path / "t.parquet", ("code",), RULES)
    assert read.codes["code"].text().tolist() == ["01001", "2A004", "01001"]
    assert read.numbers["minutes"].dtype == np.float64 and read.first_line == 1


@pytest.mark.parametrize(
    ("text", "line", "column", "message"),
    [
        ("code,minutes\n01001,3\n01002,abc\n", 3, "minutes", "valeur invalide"),
        ("code,minutes\n01001,3\n01002,-1\n", 3, "minutes", "valeur invalide"),
        ("code,minutes\n01001,3\n,4\n", 3, "code", "code vide"),
        ("code,minutes\n01001,3\n01002,4,9\n", 3, None, "nombre de champs"),
        ("code,temps\n01001,3\n", 1, "minutes", "colonne absente"),
        ("", 1, None, "fichier vide"),
    ],
)
def test_defects_are_named_with_file_line_and_column(tmp_path, text, line, column, message):
    path = tmp_path / "temps.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SourceError, match=message) as error:
        read_typed(path, ("code",), RULES)
    assert (error.value.line, error.value.column) == (line, column)
    assert str(error.value).startswith(f"{path}")


def test_decimal_comma_and_other_encodings_go_through_the_locating_path(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text('code,minutes\n01001,"12,5"\n', encoding="utf-8")
    assert read_typed(path, ("code",), RULES).numbers["minutes"].tolist() == [12.5]


def test_numbers_stored_as_codes_in_parquet_are_refused(tmp_path):
    path = tmp_path / "t.parquet"
    pq.write_table(pa.table({"code": [1001], "minutes": [0.0]}), path)
    with pytest.raises(SourceError, match="zéros initiaux"):
        read_typed(path, ("code",), RULES)


def test_blank_numbers_dropped_with_their_lines(tmp_path, no_locating_path):
    path = tmp_path / "p.csv"
    path.write_text("code,minutes\n01001,1\n01002,\n01003,2\n", encoding="utf-8")
    read = read_typed(path, ("code",), RULES, drop_blank=True)
    assert read.codes["code"].text().tolist() == ["01001", "01003"]
    assert read.blank_lines == (3,)


def test_codes_repeated_row():
    assert Codes.from_text(["a", "b", "c"]).first_repeated_row() is None
    assert Codes.from_text(["a", "b", "a", "b"]).first_repeated_row() == 2
