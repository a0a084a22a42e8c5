"""Age standardisation of demand, supply from FTE, age cap."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from maillage.engine.accessibility import (
    acts_from_fte,
    eligible_by_age,
    standardised_demand,
    supply_by_commune,
)


@settings(max_examples=50, deadline=None)
@given(
    population=arrays(
        np.int64, st.tuples(st.integers(1, 20), st.just(4)), elements=st.integers(0, 100_000)
    ),
    consumption=arrays(np.float64, 4, elements=st.floats(0.1, 20)),
)
def test_standardised_demand_keeps_the_reference_total(population, consumption):
    if population.sum() == 0:
        return
    demand = standardised_demand(population, consumption)
    assert demand.sum() == pytest.approx(population.sum(), rel=1e-9)


def test_standardised_demand_by_hand():
    # Two bands, consumption 1 and 3; reference 100 + 100 → mean consumption 2.
    demand = standardised_demand([[10, 0], [0, 10], [5, 5]], [1, 3], [100, 100])
    np.testing.assert_allclose(demand, [5, 15, 10])


def test_standardised_demand_rejects_bad_shapes():
    with pytest.raises(ValueError, match="consumption"):
        standardised_demand([[1, 2]], [1, 2, 3])
    with pytest.raises(ValueError, match="population_by_age"):
        standardised_demand([1, 2], [1, 2])
    with pytest.raises(ValueError, match="moyenne nulle"):
        standardised_demand([[1, 2]], [0, 0])


def test_acts_from_fte_uses_the_dated_parameter():
    np.testing.assert_allclose(acts_from_fte([1, 0.5]), [5400, 2700])
    np.testing.assert_allclose(acts_from_fte([2], acts_per_fte=4000), [8000])
    with pytest.raises(ValueError, match="fte"):
        acts_from_fte([-1])


def test_age_cap_inclusive_or_exclusive():
    ages = np.array([40, 64.9, 65, 65.5, np.nan])
    np.testing.assert_array_equal(
        eligible_by_age(ages, 65, inclusive=True), [True, True, True, False, True]
    )
    np.testing.assert_array_equal(
        eligible_by_age(ages, 65, inclusive=False), [True, True, False, False, True]
    )
    # Default: 65, inclusive (unverified reading, see apl.supply.age_cap.inclusive).
    np.testing.assert_array_equal(eligible_by_age(ages), [True, True, True, False, True])
    assert eligible_by_age([90], np.inf).all()


def test_supply_by_commune_sums_eligible_activity():
    supply = supply_by_commune(
        [0, 0, 2, 2], [1000, 2000, 3000, 500], n_communes=3, ages=[50, 66, 65, 30]
    )
    np.testing.assert_allclose(supply, [1000, 0, 3500])
    supply = supply_by_commune(
        [0, 0, 2, 2], [1000, 2000, 3000, 500], 3, ages=[50, 66, 65, 30], inclusive=False
    )
    np.testing.assert_allclose(supply, [1000, 0, 500])
    with pytest.raises(ValueError, match="commune_index"):
        supply_by_commune([3], [1], 3)


def test_practitioner_activity_counts_unknown_fte_once():
    from maillage.engine.accessibility.demand import practitioner_activity

    acts = np.array([4000.0, np.nan, np.nan])
    fte = np.array([0.5, 0.8, np.nan])
    activity, counted, unknown = practitioner_activity(acts, fte, in_fte=False)
    assert activity.tolist() == [4000.0, 0.8 * 5400, 5400.0]  # unknown FTE = 1 (dated)
    assert counted.tolist() == [0.5, 0.8, 1.0] and unknown.tolist() == [False, False, True]
    activity, counted, unknown = practitioner_activity(acts, fte, in_fte=True)
    assert activity.tolist() == counted.tolist() == [0.5, 0.8, 1.0]
    assert unknown.tolist() == [False, False, True]


@settings(max_examples=60, deadline=None)
@given(
    counts=arrays(np.int64, st.integers(2, 30), elements=st.integers(0, 12)),
    activity=st.floats(100, 8000),
    data=st.data(),
)
def test_protected_supply_ignores_the_hidden_communes(counts, activity, data):
    """A commune of 1..4 practitioners enters as the mean stand-in at the mean activity of
    the communes of 5 or more: changing its true count or activity changes nothing."""
    from maillage.engine.accessibility.demand import protect_supply
    from maillage.engine.indicators.secrecy import protect, stand_in_law

    def name(positions):
        return [f"c{i}" for i in positions[0]]

    supply = counts * activity
    cells = protect(counts.astype(float), name, 5, b"k" * 16)
    protected, _fte = protect_supply(supply, counts.astype(float), cells, in_fte=False)
    small = (counts > 0) & (counts < 5)
    large = counts >= 5
    per = supply[large].sum() / counts[large].sum() if large.any() else 5400.0
    mean = stand_in_law(5) @ np.arange(1, 5)
    assert np.allclose(protected[small], mean * per)
    assert np.array_equal(protected[~small], supply[~small])
    other = np.where(small, data.draw(st.integers(1, 4)), counts)
    noisy = np.where(small, other * data.draw(st.floats(100, 8000)), supply)
    again, _ = protect_supply(
        noisy, other.astype(float), protect(other.astype(float), name, 5, b"k" * 16), in_fte=False
    )
    assert np.allclose(again, protected)
