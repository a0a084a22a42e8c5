"""Incremental supply changes and ranking of candidate communes."""

from __future__ import annotations

import numpy as np
import pytest

from maillage.engine.accessibility import apl_decay, crow_fly_times, e2sfca, weight_matrix
from maillage.engine.accessibility.whatif import change_supply, prepare, rank_candidates


@pytest.fixture(scope="module")
def instance():
    rng = np.random.default_rng(21)
    n = 1500
    lat = rng.uniform(44, 46, n)
    lon = rng.uniform(2, 5, n)
    origins, destinations, minutes = crow_fly_times(lat, lon, 20)
    weights = weight_matrix(origins, destinations, minutes, apl_decay(), shape=(n, n))
    demand = rng.uniform(50, 3000, n)
    supply = np.where(rng.random(n) < 0.3, rng.uniform(0, 30000, n), 0.0)
    return weights, demand, supply


def test_incremental_change_equals_full_recompute(instance):
    weights, demand, supply = instance
    state = prepare(weights, demand, supply)
    changed_communes = np.array([3, 77, 400])
    new_values = np.array([0.0, 12000.0, 5400.0])
    new_state, changed = change_supply(state, changed_communes, new_values)
    full_supply = supply.copy()
    full_supply[changed_communes] = new_values
    full = e2sfca(weights, demand, full_supply)
    np.testing.assert_array_equal(new_state.accessibility, full)
    # Only communes in reach of a changed one were recomputed, and the rest did not move.
    in_reach = np.flatnonzero(weights[:, changed_communes].sum(axis=1).A1 > 0)
    np.testing.assert_array_equal(np.sort(changed), in_reach)
    untouched = np.setdiff1d(np.arange(demand.size), changed)
    np.testing.assert_array_equal(full[untouched], state.accessibility[untouched])
    assert changed.size < demand.size / 5
    # The original state is not modified.
    np.testing.assert_array_equal(state.supply, supply)


def test_change_supply_rejects_bad_input(instance):
    state = prepare(*instance)
    with pytest.raises(ValueError, match="répétées"):
        change_supply(state, [1, 1], [0, 0])
    with pytest.raises(ValueError, match="indices"):
        change_supply(state, [10**6], [0])


def test_ranking_matches_brute_force(instance):
    weights, demand, supply = instance
    state = prepare(weights, demand, supply)
    order, gain = rank_candidates(state, added_supply=5400, threshold=2.5)
    shortfall = np.maximum(0, 2.5 - state.accessibility)

    def brute(j):
        new_state, _ = change_supply(state, [j], [supply[j] + 5400])
        new_shortfall = np.maximum(0, 2.5 - new_state.accessibility)
        return (demand * (shortfall - new_shortfall)).sum()

    for j in [*order[:5].tolist(), int(order[-1]), 17]:
        assert gain[j] == pytest.approx(brute(j), rel=1e-9, abs=1e-6)
    assert np.all(np.diff(gain[order]) <= 0)
    assert gain[order[0]] > 0


def test_ranking_defaults_from_parameters(instance):
    state = prepare(*instance)
    _order, gain = rank_candidates(state)
    _order_explicit, gain_explicit = rank_candidates(state, added_supply=5400, threshold=2.5)
    np.testing.assert_array_equal(gain, gain_explicit)
