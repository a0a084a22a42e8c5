"""The one French formatting layer: numbers, amounts, shares and dates."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from maillage.engine import formatting
from maillage.engine.formatting import NNBSP


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (1234.56, 2, f"1{NNBSP}234,56"),
        (1234567, None, f"1{NNBSP}234{NNBSP}567"),
        (0.5, None, "0,5"),
        (12, None, "12"),
        (Decimal("10000.00"), 2, f"10{NNBSP}000,00"),
        (2.675, 2, "2,68"),  # half-up on the decimal the reader sees, not binary half-even
        (0.125, 2, "0,13"),
        (-0.04, 1, "0,0"),  # no « -0,0 »
        (-1234.5, 1, f"-1{NNBSP}234,5"),
        (30.7983902793923, 1, "30,8"),
        (1e20, None, "100" + f"{NNBSP}000" * 6),
        ("1234.5", 1, f"1{NNBSP}234,5"),  # a model field still holding a string
        (None, 2, "—"),
        ("secret statistique", 1, "secret statistique"),
    ],
)
def test_number(value, decimals, expected):
    assert formatting.number(value, decimals) == expected


def test_other_values_show_as_text():
    class Protected:
        def __str__(self):
            return "secret statistique"

    assert formatting.number(Protected(), 1) == "secret statistique"
    assert formatting.money(Protected()) == "secret statistique"
    assert formatting.percent(Protected()) == "secret statistique"
    assert formatting.money("en attente") == "en attente" and formatting.money("12.5") == "12,50 €"
    assert formatting.number(float("nan"), 1) == "—" and formatting.number(True) == "—"


def test_signed_changes_use_the_typographic_minus():
    assert formatting.number(1234, 0, signed=True) == f"+1{NNBSP}234"
    assert formatting.number(-56, 0, signed=True) == "\u221256"
    assert formatting.number(0, 0, signed=True) == "0"


def test_money_percent_and_missing():
    assert formatting.money(Decimal("-12345.678")) == f"-12{NNBSP}345,68 €"
    assert formatting.money(None) == "—"
    assert formatting.money(None, missing="en attente") == "en attente"
    assert formatting.percent(12.345) == "12,3 %"
    assert formatting.percent(0.1234, ratio=True) == "12,3 %"


def test_dates_never_iso():
    assert formatting.date(dt.date(2026, 11, 25)) == "25/11/2026"
    assert formatting.date("2026-11-25") == "25/11/2026"
    assert formatting.date(dt.datetime(2026, 11, 25, 23, 59)) == "25/11/2026"
    assert formatting.date(None) == "—" and formatting.date("bientôt") == "bientôt"
    moment = dt.datetime(2026, 1, 2, 3, 4, 5)
    assert formatting.datetime(moment) == "02/01/2026 03:04"
    assert formatting.datetime(moment, seconds=True) == "02/01/2026 03:04:05"


def test_precision_is_set_per_unit_in_one_place():
    assert formatting.decimals_for_unit("habitants") == 0
    assert formatting.decimals_for_unit("%") == 1
    assert formatting.decimals_for_unit("% par an") == 2
    assert formatting.decimals_for_unit("unité inconnue") == formatting.DEFAULT_DECIMALS


def test_rounded_keeps_numbers_numbers():
    assert formatting.rounded(30.7983902793923, 1) == 30.8
    assert isinstance(formatting.rounded(5063.0, 0), int)
    assert formatting.rounded(Decimal("2.675"), 2) == Decimal("2.68")
    assert formatting.rounded(7, 2) == 7


@given(
    st.one_of(
        st.integers(-(10**15), 10**15),
        st.floats(-1e12, 1e12, allow_nan=False),
        st.decimals(-(10**12), 10**12, allow_nan=False, allow_infinity=False, places=4),
    ),
    st.integers(0, 4),
)
def test_reading_the_text_back_gives_the_rounded_value(value, decimals):
    text = formatting.number(value, decimals)
    back = Decimal(text.replace(NNBSP, "").replace(",", "."))
    assert back == Decimal(str(formatting.rounded(value, decimals))).quantize(
        Decimal(1).scaleb(-decimals)
    )
    units = text.lstrip("-").split(",")[0].split(NNBSP)
    assert all(len(group) == 3 for group in units[1:]) and 1 <= len(units[0]) <= 3
