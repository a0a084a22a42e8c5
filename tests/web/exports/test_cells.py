"""Cells of every export: what becomes a number, a date or text, and what is neutralised."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from maillage.web.exports import DATE, INTEGER, MONEY, NUMBER, Column, Figure, neutralise
from maillage.web.exports.cells import FORMULA_TRIGGERS, csv_text, is_formula_like, resolve

from .spreadsheet import PAYLOADS

TEXT = Column("texte")


@pytest.mark.parametrize("payload", PAYLOADS)
def test_every_payload_is_neutralised(payload):
    assert is_formula_like(payload)
    assert neutralise(payload) == "'" + payload


@pytest.mark.parametrize(
    "text", ["CPTS du Var", "secret statistique", "Saint-Cyr", "12 rue =", "a=b", "'=déjà", ""]
)
def test_ordinary_text_is_left_alone(text):
    assert not is_formula_like(text) and neutralise(text) == text


def test_numbers_stay_numbers_even_negative():
    cell = resolve(-12.5, Column("x", NUMBER, 1))
    assert cell.kind == "number" and csv_text(cell) == "-12,5"
    assert csv_text(resolve(-3, TEXT)) == "-3"  # a negative number is not text
    assert csv_text(resolve("-3", TEXT)) == "'-3"  # the same characters as text are


def test_precision_and_kinds():
    assert csv_text(resolve(30.7983902793923, Column("x", NUMBER, 1))) == "30,8"
    assert csv_text(resolve(Decimal("1234.5"), Column("x", MONEY))) == "1234,50"
    assert csv_text(resolve(12, Column("x", MONEY))) == "12,00"
    assert csv_text(resolve(4.6, Column("x", INTEGER))) == "5"
    assert csv_text(resolve(-0.04, Column("x", NUMBER, 1))) == "0,0"
    assert csv_text(resolve(Figure(2.675, 2), TEXT)) == "2,68"
    assert csv_text(resolve(Figure("secret statistique", 1), TEXT)) == "secret statistique"
    assert csv_text(resolve(1e-7, TEXT)) == "0,0000001"  # never an exponent
    assert resolve(float("nan"), TEXT).kind == "empty"
    assert csv_text(resolve(True, TEXT)) == "oui"


def test_dates_and_local_times():
    assert csv_text(resolve("2026-11-25", Column("d", DATE))) == "25/11/2026"
    assert csv_text(resolve("2026-11-25", TEXT)) == "2026-11-25"  # not a date column
    utc = dt.datetime(2026, 7, 1, 12, 0, 5, tzinfo=zoneinfo.ZoneInfo("UTC"))
    cell = resolve(utc, TEXT)
    assert cell.value.tzinfo is None and cell.value.hour == 14  # Europe/Paris in summer
    assert csv_text(cell) == "01/07/2026 14:00:05"


def test_unknown_column_kind_is_refused():
    with pytest.raises(ValueError, match="type de colonne inconnu"):
        Column("x", "pourcentage")


@given(st.text(max_size=30))
def test_neutralised_text_never_starts_a_formula(text):
    out = csv_text(resolve(text, TEXT))
    if out:
        assert out[0] not in FORMULA_TRIGGERS
        assert out.lstrip(" \u00a0\u202f\u3000")[:1] not in FORMULA_TRIGGERS
        assert out in (text, "'" + text)
