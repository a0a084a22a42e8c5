"""The shared bounds of request parameters: French 400 messages, path converters, docs."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.http import QueryDict
from django.urls import resolve
from hypothesis import given
from hypothesis import strategies as st

from maillage.web import request_params as bounds

DOCS = Path(__file__).resolve().parents[2] / "docs" / "api.md"
ALL_BOUNDS = {name: b for name, b in vars(bounds).items() if isinstance(b, bounds._Bound)}


def test_a_year_out_of_range_is_refused_with_a_french_message_naming_it():
    with pytest.raises(bounds.ParameterError) as error:
        bounds.YEAR.get(QueryDict("annee=99999"), "annee")
    assert str(error.value) == (
        "paramètre « annee » : attendu : année, nombre entier de 1900 à 2100 (reçu : « 99999 »)"
    )
    assert bounds.YEAR.get(QueryDict("annee=2024"), "annee") == 2024
    assert bounds.YEAR.get(QueryDict("annee="), "annee", 2020) == 2020
    assert bounds.YEAR.get(QueryDict(""), "annee") is None


@pytest.mark.parametrize(
    "raw", ["abc", "-1", "1e3", "2_024", "99999999999999999999", "9" * 10_000, "２０２４", ""]
)
def test_years_that_are_not_plain_numbers_in_range_are_refused(raw):
    with pytest.raises(bounds.ParameterError):
        bounds.YEAR.parse(raw, "annee")


@pytest.mark.parametrize("raw", ["nan", "inf", "-inf", "1e309", "-5", "301", "abc", "1" * 40])
def test_distances_must_be_finite_and_in_range(raw):
    with pytest.raises(bounds.ParameterError):
        bounds.KM.parse(raw, "km")


def test_a_decimal_comma_is_accepted():
    assert bounds.KM.parse("12,5", "km") == 12.5


@pytest.mark.parametrize(
    ("bound", "good", "bad"),
    [
        (bounds.COMMUNE, ["83137", "2A004", "97411"], ["8313", "831377", "a/b", "2C004", " "]),
        (bounds.DEPARTEMENT, ["83", "2A", "974", "00"], ["8", "2C", "a/b", "1000", "9a"]),
        (bounds.SIREN, ["200054807"], ["20005480", "2000548071", "abcdefghi"]),
        (bounds.RPPS, ["810001234567", "899000000001"], ["8100012", "81000123456789", "a/b"]),
        (bounds.ZONE, ["tvs:T01", "tvs@2024:T01"], ["tvs", "tvs@99999999:T01", "a:b\x00"]),
    ],
)
def test_codes_match_their_official_pattern(bound, good, bad):
    for value in good:
        assert bound.parse(value, "code") == value
    for value in bad:
        with pytest.raises(bounds.ParameterError):
            bound.parse(value, "code")


def test_commune_lists_are_checked_code_by_code():
    assert bounds.commune_codes("83137, 83069;83001") == ["83137", "83069", "83001"]
    with pytest.raises(bounds.ParameterError, match="« communes »"):
        bounds.commune_codes("83137,a/b")
    with pytest.raises(bounds.ParameterError, match="40000 communes au plus"):
        bounds.commune_codes(["83137"] * 40_001)


def test_dates_stay_within_the_years():
    assert bounds.DATE.parse("2026-03-01", "date") == dt.date(2026, 3, 1)
    assert bounds.DATE.parse("01/03/2026", "date") == dt.date(2026, 3, 1)
    for raw in ("9999-12-31", "2026-02-30", "demain", "0001-01-01"):
        with pytest.raises(bounds.ParameterError):
            bounds.DATE.parse(raw, "date")


def test_texts_refuse_control_characters_and_excess_length():
    assert bounds.SEARCH.parse("  Toulon ", "q") == "Toulon"
    for raw in ("a\x00b", "x" * 101):
        with pytest.raises(bounds.ParameterError):
            bounds.SEARCH.parse(raw, "q")


@given(st.text(max_size=60))
def test_integers_either_parse_within_bounds_or_raise_a_parameter_error(raw):
    try:
        value = bounds.YEAR.parse(raw, "annee")
    except bounds.ParameterError as error:
        assert "« annee »" in str(error)
    else:
        assert 1900 <= value <= 2100


@given(st.one_of(st.text(max_size=40), st.floats(allow_nan=True, allow_infinity=True)))
def test_numbers_either_parse_finite_within_bounds_or_raise_a_parameter_error(raw):
    try:
        value = bounds.MINUTES.parse(raw, "minutes")
    except bounds.ParameterError:
        return
    assert 0 <= value <= 240


@given(st.text(max_size=20))
def test_codes_either_match_the_pattern_or_raise_a_parameter_error(raw):
    try:
        value = bounds.COMMUNE.parse(raw, "code")
    except bounds.ParameterError:
        return
    assert len(value) == 5 and value[2:].isdigit()


def test_path_converters_refuse_malformed_codes_and_name_years_out_of_range():
    assert resolve("/chiffres-cles/00/2024/rapport.json").kwargs["year"] == 2024
    with pytest.raises(bounds.ParameterError, match="« année »"):
        resolve("/chiffres-cles/00/99999999999999999999/rapport.json")
    from django.urls import Resolver404

    for path in ("/communes/a-b/", "/exercice-coordonne/contrats/99999999999999999999/"):
        with pytest.raises(Resolver404):
            resolve(path)


def test_every_bound_is_documented_in_the_api_docs():
    text = DOCS.read_text()
    for name, bound in ALL_BOUNDS.items():
        assert bound.description in text, name
    assert f"de {bounds.YEAR.minimum} à {bounds.YEAR.maximum}" in text
