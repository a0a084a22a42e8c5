"""The single registry of dated parameters, read through ``maillage.engine.parameters``: one
vocabulary (verifie / non_verifie), one error family, values that callers may modify."""

from __future__ import annotations

import datetime as dt

import pytest

from maillage.engine import parameters
from maillage.engine.accessibility import METHOD_ROOTS, apl_decay
from maillage.engine.parameters import ParameterError, load_parameters
from maillage.engine.rules import loader


def test_method_parameters_are_dated_sourced_and_have_a_status():
    names = {p.name for p in load_parameters()}
    assert {
        "apl.decay.steps",
        "apl.catchment.max_minutes",
        "apl.supply.acts_per_fte",
        "apl.supply.age_cap.age",
        "apl.supply.age_cap.inclusive",
        "apl.zoning.threshold_zip",
        "traveltime.crowfly.detour_factor",
        "traveltime.crowfly.speed_kmh",
    } <= names
    method = [p for p in load_parameters() if p.name.split(".")[0] in METHOD_ROOTS]
    assert len(method) >= 10
    for parameter in method:
        assert parameter.description and parameter.unite
        for dated in parameter.values:
            assert dated.statut in ("verifie", "non_verifie") and dated.reference.titre


def test_statuses_follow_the_method_note():
    assert parameters.get("apl.decay.steps", dt.date(2013, 1, 1)).verifie
    assert not parameters.get("apl.decay.steps").verifie
    assert parameters.get("apl.supply.acts_per_fte").statut == "verifie"
    assert not parameters.get("apl.supply.age_cap.inclusive").verifie
    assert parameters.get("traveltime.crowfly.speed_kmh").statut == "non_verifie"


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


def test_one_error_family():
    """Whatever goes wrong with a parameter is a ParameterError (callers catch one class),
    and keeps the built-in class older callers catch."""
    assert issubclass(loader.ParameterFileError, ParameterError)
    assert issubclass(loader.ParameterFileError, ValueError)
    assert issubclass(loader.NoValueAtDate, ParameterError)
    assert issubclass(loader.NoValueAtDate, LookupError)
    assert issubclass(loader.ParameterNotFound, ParameterError)
    assert issubclass(loader.ParameterNotFound, KeyError)


def test_returned_values_are_copies():
    parameters.value("apl.decay.steps")[10] = 0.0
    assert parameters.value("apl.decay.steps")[10] == 1
    assert parameters.get("apl.decay.steps").value[10] == 1


def test_key_of_a_mapping_value():
    assert parameters.value("aci.cpts.fonctionnement", dt.date(2023, 1, 1), key=3) == 75000


@pytest.mark.parametrize("on", [dt.date(2013, 1, 1), dt.date(2016, 1, 1), dt.date.today()])
def test_catchment_edge_matches_the_last_band(on):
    assert apl_decay(on).max_minutes == parameters.value("apl.catchment.max_minutes", on)
