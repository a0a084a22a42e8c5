"""Dated method parameters: the accessibility view over the single registry of dated
parameters (engine/rules/parameters), strict like it."""

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


GOOD = """\
description: d
unite: u
last_value_still_valid_on: 2026-01-01
values:
  2020-01-01:
    value: {10: 1, 15: !fraction 2/3}
    reference: {titre: t}
    statut: non_verifie
    source_tag: "U"
"""


def write_tree(tmp_path, text, name="apl/p.yaml"):
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_reads_the_method_branches_of_the_registry(tmp_path):
    write_tree(tmp_path, GOOD)
    write_tree(tmp_path, GOOD, "aci/autre.yaml")  # not a method parameter
    loaded = load_parameters(tmp_path)
    assert set(loaded) == {"apl.p"}
    (dated,) = loaded["apl.p"].values
    assert dated.value == {10: 1, 15: 2 / 3}
    assert (dated.status, dated.statut, dated.source_tag) == ("unverified", "non_verifie", "U")
    assert loaded["apl.p"].unit == "u"


def test_every_method_parameter_is_in_the_single_registry():
    from maillage.engine.rules.loader import load_parameters as load_registry

    registry = load_registry()
    for name, method_parameter in load_parameters().items():
        source = registry.parameter(name)
        assert method_parameter.source is source
        assert [v.start for v in method_parameter.values] == [v.start for v in source.values]


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("unite: u", "unit: u", "inconnue"),
        ("2020-01-01:", "2020-13-01:", "date"),
        ("statut: non_verifie", "statut: ok", "statut"),
        ("{titre: t}", "{url: x}", "titre"),
        ("!fraction 2/3", "!fraction 2/0", "fraction"),
    ],
)
def test_loader_is_strict(tmp_path, old, new, message):
    assert old in GOOD
    write_tree(tmp_path, GOOD.replace(old, new), "apl/parametres.yaml")
    with pytest.raises(ParameterError, match=message) as error:
        load_parameters(tmp_path)
    assert "parametres.yaml" in str(error.value)


@pytest.mark.parametrize("on", [dt.date(2013, 1, 1), dt.date(2016, 1, 1), dt.date.today()])
def test_catchment_edge_matches_the_last_band(on):
    assert apl_decay(on).max_minutes == parameters.value("apl.catchment.max_minutes", on)
