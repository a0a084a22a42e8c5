"""E2SFCA / APL core: worked example, invariants, naive reference, edge cases."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from maillage.engine.accessibility import (
    apl,
    apl_decay,
    e2sfca,
    gaussian_decay,
    share_below,
    step_decay,
    supply_ratio,
    two_sfca,
    weight_matrix,
    weighted_mean_by_group,
)

from .conftest import (
    EXAMPLE_BANDS,
    EXAMPLE_DEMAND,
    EXAMPLE_DESTINATIONS,
    EXAMPLE_MINUTES,
    EXAMPLE_ORIGINS,
    EXAMPLE_SUPPLY,
)


def naive_e2sfca(origins, destinations, minutes, demand, supply, decay):
    """Pure-Python reference: loops over pairs, straight from the formulas."""
    n_dest = len(supply)
    catchment = [0.0] * n_dest
    for i, j, t in zip(origins, destinations, minutes, strict=True):
        catchment[j] += float(decay(np.array([t]))[0]) * demand[i]
    ratio = [supply[j] / catchment[j] if catchment[j] > 0 else 0.0 for j in range(n_dest)]
    access = [0.0] * len(demand)
    for i, j, t in zip(origins, destinations, minutes, strict=True):
        access[i] += float(decay(np.array([t]))[0]) * ratio[j]
    return np.array(access)


def random_instance(rng, n, density, max_minutes=30.0):
    mask = rng.random((n, n)) < density
    np.fill_diagonal(mask, True)
    origins, destinations = np.nonzero(mask)
    minutes = rng.uniform(0, max_minutes, origins.size).round(1)
    minutes[origins == destinations] = 0.0
    demand = rng.integers(1, 5000, n).astype(float)
    supply = np.where(rng.random(n) < 0.5, rng.uniform(0, 20000, n), 0.0)
    return origins, destinations, minutes, demand, supply


def test_worked_example_of_the_method_note():
    weights = weight_matrix(
        EXAMPLE_ORIGINS, EXAMPLE_DESTINATIONS, EXAMPLE_MINUTES, step_decay(EXAMPLE_BANDS)
    )
    ratio, catchment_demand = supply_ratio(weights, EXAMPLE_DEMAND, EXAMPLE_SUPPLY)
    assert catchment_demand[0] == pytest.approx(3333.33, abs=0.005)
    assert catchment_demand[2] == pytest.approx(1833.33, abs=0.005)
    assert ratio[0] == pytest.approx(1.8, abs=1e-12)
    assert ratio[2] == pytest.approx(1.636364, abs=5e-7)
    result = e2sfca(weights, EXAMPLE_DEMAND, EXAMPLE_SUPPLY)
    np.testing.assert_allclose(result, [2.890909, 2.345455, 2.836364], atol=5e-7)
    _, mean = weighted_mean_by_group(result, EXAMPLE_DEMAND, ["tvs"] * 3)
    assert mean[0] == pytest.approx(2.571429, abs=5e-7)
    assert (EXAMPLE_DEMAND * result).sum() == pytest.approx(EXAMPLE_SUPPLY.sum(), rel=1e-12)


def test_apl_with_default_dated_parameters_matches_the_example():
    result = apl(
        EXAMPLE_ORIGINS,
        EXAMPLE_DESTINATIONS,
        EXAMPLE_MINUTES,
        EXAMPLE_DEMAND,
        EXAMPLE_SUPPLY,
        apl_decay(),
    )
    np.testing.assert_allclose(result, [2.890909, 2.345455, 2.836364], atol=5e-7)


def test_band_limits_are_inclusive_and_zero_beyond():
    decay = step_decay({10: 1, 15: 2 / 3, 20: 1 / 3})
    weights = decay(np.array([0, 10, 10.000001, 15, 20, 20.000001, 60]))
    np.testing.assert_array_equal(weights, [1, 1, 2 / 3, 2 / 3, 1 / 3, 0, 0])
    assert decay.max_minutes == 20


def test_gaussian_decay_is_cut_at_the_edge():
    decay = gaussian_decay(sigma=10, max_minutes=20)
    weights = decay(np.array([0.0, 10.0, 20.0, 20.5]))
    np.testing.assert_allclose(weights, [1, np.exp(-0.5), np.exp(-2), 0])
    normalised = gaussian_decay(10, 20, normalised=True)(np.array([0.0, 20.0]))
    np.testing.assert_allclose(normalised, [1, 0], atol=1e-15)


def test_commune_with_nothing_in_reach_gets_zero_not_nan():
    # Commune 2 is isolated (only its self pair) and has no supply.
    result = apl(
        [0, 1, 2, 0], [0, 1, 2, 1], [0, 0, 0, 5], [100, 100, 50], [1000, 0, 0], apl_decay()
    )
    assert np.all(np.isfinite(result))
    assert result[2] == 0.0


def test_supply_without_demand_in_reach_is_dropped_and_logged(caplog):
    weights = weight_matrix([0, 1], [0, 1], [0, 0], apl_decay(), shape=(2, 2))
    with caplog.at_level("WARNING"):
        result = e2sfca(weights, [100, 0], [1000, 500])
    np.testing.assert_array_equal(result, [10, 0])
    assert "sans demande" in caplog.text


def test_huge_catchment_gives_total_supply_over_total_demand_everywhere():
    rng = np.random.default_rng(1)
    n = 40
    origins, destinations = (a.ravel() for a in np.meshgrid(np.arange(n), np.arange(n)))
    minutes = rng.uniform(0, 100, origins.size)
    demand = rng.uniform(1, 1000, n)
    supply = rng.uniform(0, 5000, n)
    result = two_sfca(origins, destinations, minutes, demand, supply, max_minutes=1e6)
    np.testing.assert_allclose(result, supply.sum() / demand.sum(), rtol=1e-12)


@pytest.mark.parametrize("seed", range(5))
def test_matches_naive_reference_on_random_cases(seed):
    rng = np.random.default_rng(seed)
    origins, destinations, minutes, demand, supply = random_instance(rng, 25, 0.2)
    for decay in (apl_decay(), gaussian_decay(8, 25), step_decay({5: 1, 10: 0.3, 15: 0.1})):
        expected = naive_e2sfca(origins, destinations, minutes, demand, supply, decay)
        n = demand.size
        weights = weight_matrix(origins, destinations, minutes, decay, shape=(n, n))
        np.testing.assert_allclose(e2sfca(weights, demand, supply), expected, rtol=1e-12)


def test_rectangular_problem_matches_naive_reference():
    rng = np.random.default_rng(7)
    origins = rng.integers(0, 30, 200)
    destinations = rng.integers(0, 8, 200)
    keys = np.unique(origins * 8 + destinations)
    origins, destinations = keys // 8, keys % 8
    minutes = rng.uniform(0, 25, keys.size)
    demand = rng.uniform(0, 100, 30)
    supply = rng.uniform(0, 100, 8)
    decay = apl_decay()
    weights = weight_matrix(origins, destinations, minutes, decay, shape=(30, 8))
    expected = naive_e2sfca(origins, destinations, minutes, demand, supply, decay)
    np.testing.assert_allclose(e2sfca(weights, demand, supply), expected, rtol=1e-12)


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(1, 30),
    density=st.floats(0.0, 1.0),
    seed=st.integers(0, 2**32 - 1),
    gaussian=st.booleans(),
)
def test_invariant_total_access_equals_total_supply(n, density, seed, gaussian):
    rng = np.random.default_rng(seed)
    origins, destinations, minutes, demand, supply = random_instance(rng, n, density)
    decay = gaussian_decay(10, 20) if gaussian else apl_decay()
    result = apl(origins, destinations, minutes, demand, supply, decay)
    # Every supply commune has t_jj = 0 and P*_j > 0, so all supply is distributed.
    assert (demand * result).sum() == pytest.approx(supply.sum(), rel=1e-9, abs=1e-9)
    assert np.all(result >= 0)


def test_weighted_mean_by_group_and_share_below():
    labels, means = weighted_mean_by_group([1.0, 3.0, 5.0, 2.0], [1, 3, 0, 0], ["b", "a", "a", "c"])
    assert labels.tolist() == ["a", "b", "c"]
    assert means[0] == 3.0 and means[1] == 1.0 and np.isnan(means[2])
    assert share_below([1.0, 3.0, 2.4], [10, 30, 60], 2.5) == pytest.approx(0.7)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"minutes": [0, -1]}, "positifs"),
        ({"minutes": [0, np.nan]}, "finis"),
        ({"origins": [0, 1.5]}, "entiers"),
        ({"destinations": [0, 0], "origins": [1, 1]}, "répété"),
        ({"origins": [0]}, "longueurs"),
    ],
)
def test_weight_matrix_rejects_bad_input(kwargs, message):
    arguments = {"origins": [0, 1], "destinations": [0, 1], "minutes": [0, 5]}
    arguments.update(kwargs)
    with pytest.raises(ValueError, match=message):
        weight_matrix(**arguments, decay=apl_decay())


def test_e2sfca_rejects_bad_vectors():
    weights = weight_matrix([0], [0], [0], apl_decay())
    with pytest.raises(ValueError, match="demand"):
        e2sfca(weights, [np.nan], [1])
    with pytest.raises(ValueError, match="supply"):
        e2sfca(weights, [1], [1, 2])
    with pytest.raises(ValueError, match="backend"):
        e2sfca(weights, [1], [1], backend="spark")


def test_caller_data_is_not_modified():
    demand = EXAMPLE_DEMAND.copy()
    supply = EXAMPLE_SUPPLY.copy()
    minutes = EXAMPLE_MINUTES.copy()
    apl(EXAMPLE_ORIGINS, EXAMPLE_DESTINATIONS, minutes, demand, supply, apl_decay())
    np.testing.assert_array_equal(demand, EXAMPLE_DEMAND)
    np.testing.assert_array_equal(supply, EXAMPLE_SUPPLY)
    np.testing.assert_array_equal(minutes, EXAMPLE_MINUTES)


def test_weight_matrix_is_canonical_whatever_the_pair_order():
    rng = np.random.default_rng(9)
    origins, destinations, minutes, _, _ = random_instance(rng, 60, 0.3)
    order = rng.permutation(origins.size)
    decay = apl_decay()
    shuffled = weight_matrix(origins[order], destinations[order], minutes[order], decay, (60, 60))
    reference = weight_matrix(origins, destinations, minutes, decay, (60, 60))
    assert shuffled.has_canonical_format
    for row in range(60):
        columns = shuffled.indices[shuffled.indptr[row] : shuffled.indptr[row + 1]]
        assert np.all(np.diff(columns) > 0)
    np.testing.assert_array_equal(shuffled.toarray(), reference.toarray())
    expected = np.zeros((60, 60))
    expected[origins, destinations] = decay(minutes)
    np.testing.assert_array_equal(reference.toarray(), expected)


@settings(max_examples=60, deadline=None)
@given(n=st.integers(1, 25), density=st.floats(0.0, 1.0), seed=st.integers(0, 2**32 - 1))
def test_pairs_in_row_order_give_the_same_matrix_without_sorting(n, density, seed):
    """Tables written by origin then destination (as matrix tools write them) are taken as the
    rows of the CSR directly: same arrays, bit for bit, as from any other order."""
    rng = np.random.default_rng(seed)
    origins, destinations, minutes, demand, supply = random_instance(rng, n, density)
    in_rows = np.lexsort((destinations, origins))
    shuffled = rng.permutation(origins.size)
    decay = apl_decay()
    ordered = weight_matrix(
        origins[in_rows].astype(np.int32), destinations[in_rows], minutes[in_rows], decay, (n, n)
    )
    other = weight_matrix(
        origins[shuffled], destinations[shuffled], minutes[shuffled], decay, (n, n)
    )
    for name in ("indptr", "indices", "data"):
        np.testing.assert_array_equal(getattr(ordered, name), getattr(other, name))
    assert ordered.has_canonical_format
    np.testing.assert_array_equal(e2sfca(ordered, demand, supply), e2sfca(other, demand, supply))


def test_repeated_pair_in_row_order_is_refused():
    with pytest.raises(ValueError, match="répété"):
        weight_matrix([0, 0, 1], [0, 0, 1], [0, 1, 0], apl_decay())
    with pytest.raises(ValueError, match="répété"):
        weight_matrix([0, 1, 1], [0, 0, 0], [0, 1, 2], apl_decay())
