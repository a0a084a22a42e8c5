"""The one number reader of the parsers: French formats accepted, ambiguous ones refused."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from maillage.engine.sources.numbers import parse_integer, parse_number, parse_numbers

ACCEPTED = [
    ("12", 12.0),
    ("-3", -3.0),
    (" +2,5 ", 2.5),  # surrounding spaces, explicit sign
    ("12,5", 12.5),  # decimal comma (French files, spreadsheets)
    ("12.5", 12.5),  # decimal point (exports of other tools)
    (",5", 0.5),
    ("5.", 5.0),
    ("1 234 567,5", 1234567.5),  # thousands: space
    ("1\u00a0234", 1234.0),  # no-break space (Excel, LibreOffice in French)
    ("1\u202f234,25", 1234.25),  # narrow no-break space (INSEE tables)
    ("1e-05", 1e-05),  # spreadsheets write small values with an exponent
    ("1,5E3", 1500.0),
    ("\u00a042\u00a0", 42.0),
]
REFUSED = [
    "",
    "   ",
    "douze",
    "1.234,5",  # comma and point: which one is the thousands separator?
    "1,234.5",
    "12 34",  # thousands groups have three digits
    "1 2345",
    "1_000",  # Python's float() would accept it
    "nan",
    "NaN",
    "inf",
    "-Infinity",
    "1e999",  # overflow
    "1,2,3",
    "١٢",  # Arabic-Indic digits: float() would accept them
    "0x1A",
    "12 €",
]


@pytest.mark.parametrize(("text", "value"), ACCEPTED)
def test_accepted_formats(text, value):
    assert parse_number(text) == pytest.approx(value)


@pytest.mark.parametrize("text", REFUSED)
def test_refused_formats(text):
    with pytest.raises(ValueError):
        parse_number(text)


def test_vectorised_reader_applies_the_same_rules():
    texts = [text for text, _ in ACCEPTED] + REFUSED
    values, invalid = parse_numbers(texts)
    assert invalid.tolist() == [False] * len(ACCEPTED) + [True] * len(REFUSED)
    assert values[: len(ACCEPTED)] == pytest.approx([value for _, value in ACCEPTED])
    assert np.isnan(values[len(ACCEPTED) :]).all()


def test_vectorised_reader_takes_missing_values_as_invalid():
    values, invalid = parse_numbers(["1", None])
    assert invalid.tolist() == [False, True] and values[0] == 1.0


@pytest.mark.parametrize(
    ("text", "value"), [("12", 12), ("12,0", 12), ("1 234", 1234), ("-7", -7), ("3.00", 3)]
)
def test_integers(text, value):
    assert parse_integer(text) == value


def test_integers_stay_exact_beyond_floats():
    assert parse_integer("123456789012345678901") == 123456789012345678901


@pytest.mark.parametrize("text", ["12,5", "douze", "1e-3", ""])
def test_integers_refuse_fractions_and_text(text):
    with pytest.raises(ValueError):
        parse_integer(text)


@given(st.text(alphabet="0123456789 ,.+-eE\u00a0\u202fx_", max_size=14))
def test_scalar_and_vectorised_readers_agree(text):
    values, invalid = parse_numbers([text])
    try:
        expected = parse_number(text)
    except ValueError:
        assert invalid[0]
    else:
        assert not invalid[0] and values[0] == pytest.approx(expected, rel=1e-12)


def _french(value: float, decimals: int) -> str:
    """A value written as French tables do: narrow no-break thousands, decimal comma."""
    return f"{value:,.{decimals}f}".replace(",", "\u202f").replace(".", ",")


@given(st.floats(min_value=-1e12, max_value=1e12, allow_nan=False), st.integers(0, 6))
def test_french_writing_round_trips(value, decimals):
    text = _french(value, decimals)
    assert math.isclose(parse_number(text), float(f"{value:.{decimals}f}"), rel_tol=1e-12)
