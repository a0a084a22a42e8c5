"""Dated method parameters (parameters.yaml) and their strict loader."""

from __future__ import annotations

import datetime as dt

import pytest

from maillage.engine.accessibility import apl_decay, parameters
from maillage.engine.accessibility.parameters import ParameterError, load_parameters


def test_every_value_is_dated_sourced_and_has_a_status():
    loaded = load_parameters()
    assert {
        "apl.decay.steps",
        "apl.catchment.max_minutes",
        "apl.supply.acts_per_fte",
        "apl.supply.age_cap.age",
        "apl.supply.age_cap.inclusive",
        "apl.zoning.threshold_zip",
        "traveltime.crowfly.detour_factor",
        "traveltime.crowfly.speed_kmh",
    } <= set(loaded)
    for parameter in loaded.values():
        assert parameter.description and parameter.unit
        for value in parameter.values:
            assert value.status in ("verified", "unverified")
            assert value.reference_title


def test_statuses_follow_the_method_note():
    assert parameters.parameter("apl.decay.steps", dt.date(2013, 1, 1)).verified
    assert not parameters.parameter("apl.decay.steps").verified
    assert parameters.parameter("apl.supply.acts_per_fte").verified
    assert not parameters.parameter("apl.supply.age_cap.inclusive").verified
    assert not parameters.parameter("traveltime.crowfly.speed_kmh").verified


def test_values_change_with_the_date():
    assert apl_decay(dt.date(2012, 6, 1)).limits.tolist() == [5, 10, 15]
    decay = apl_decay(dt.date(2020, 1, 1))
    assert decay.limits.tolist() == [10, 15, 20]
    assert decay.weights[1] == 2 / 3  # "2/3" kept exact in the YAML
    assert parameters.value("apl.catchment.max_minutes", dt.date(2016, 1, 1)) == 20
    with pytest.raises(ParameterError, match="aucune valeur"):
        parameters.value("apl.decay.steps", dt.date(2000, 1, 1))
    with pytest.raises(ParameterError, match="inconnu"):
        parameters.value("apl.nope")


def test_returned_values_are_copies():
    parameters.value("apl.decay.steps")[10] = 0.0
    assert parameters.value("apl.decay.steps")[10] == 1


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("p: {description: d, unit: u, values: [], extra: 1}", "inconnues"),
        (
            "p: {description: d, unit: u, values: [{start: 2020-13-01, value: 1, status: "
            "verified, reference: {title: t}}]}",
            "date",
        ),
        (
            "p: {description: d, unit: u, values: [{start: 2020-01-01, value: 1, status: ok, "
            "reference: {title: t}}]}",
            "statut",
        ),
        (
            "p: {description: d, unit: u, values: [{start: 2020-01-01, value: 1, "
            "status: verified, reference: {url: x}}]}",
            "titre",
        ),
    ],
)
def test_loader_is_strict(tmp_path, text, message):
    path = tmp_path / "parametres.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ParameterError, match=message) as error:
        load_parameters(path)
    assert "parametres.yaml" in str(error.value)


@pytest.mark.parametrize("on", [dt.date(2013, 1, 1), dt.date(2016, 1, 1), dt.date.today()])
def test_catchment_edge_matches_the_last_band(on):
    assert apl_decay(on).max_minutes == parameters.value("apl.catchment.max_minutes", on)
