"""Population evolution between two vintages: always from summed populations."""

import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from maillage.engine.indicators import diagnose
from maillage.engine.indicators.evolution import annual_rate, population_evolution, vintages

from .helpers import tiny_snapshot

YEARS = [2010, 2015, 2021]


def with_history(seed=3):
    snap = tiny_snapshot()
    rng = np.random.default_rng(seed)
    history = np.column_stack(
        [snap.population * rng.uniform(0.8, 1.2, snap.size) for _ in YEARS[:-1]] + [snap.population]
    )
    history[4, 0] = np.nan  # a commune unknown in the oldest vintage
    snap.pop_years, snap.pop_history = list(YEARS), history
    return snap


def _mask(snap, communes):
    return snap.mask(np.array(sorted(communes), dtype=np.int64))


@settings(deadline=None, max_examples=80)
@given(
    st.sets(st.integers(0, 29), min_size=1, max_size=15),
    st.sets(st.integers(0, 29), min_size=1, max_size=15),
)
def test_union_evolution_is_the_ratio_of_sums(a, b):
    snap = with_history()
    union = population_evolution(snap, _mask(snap, a | b), 2010, 2021)
    both = [i for i in a | b if np.isfinite(snap.pop_history[i]).all()]
    p0 = snap.pop_history[both, 0].sum()
    p1 = snap.pop_history[both, 2].sum()
    assert union.population_debut == pytest.approx(p0)
    assert union.population_fin == pytest.approx(p1)
    assert union.absolue == pytest.approx(p1 - p0)
    if p0 > 0:
        expected = ((p1 / p0) ** (1 / 11) - 1) * 100
        assert union.taux_annuel == pytest.approx(expected)
        # Additivity of the absolute change over disjoint parts.
        if not a & b:
            parts = [population_evolution(snap, _mask(snap, s), 2010, 2021) for s in (a, b)]
            assert union.absolue == pytest.approx(sum(p.absolue for p in parts))


def test_rate_is_not_a_mean_of_communal_rates():
    snap = with_history()
    snap.pop_history[:2] = [[100.0, 100.0, 200.0], [10_000.0, 10_000.0, 10_000.0]]
    evolution = population_evolution(snap, _mask(snap, {0, 1}), 2010, 2021)
    assert evolution.taux_annuel == pytest.approx(((10_200 / 10_100) ** (1 / 11) - 1) * 100)
    assert annual_rate(0, 10, 5) is None and annual_rate(10, 10, 0) is None


def test_vintages_need_two_years_known_for_the_territory():
    snap = with_history()
    assert vintages(snap, _mask(snap, {0, 1})) == (2010, 2021)
    assert vintages(snap, _mask(snap, {4})) == (2015, 2021)
    snap.pop_history[5, :2] = np.nan
    assert vintages(snap, _mask(snap, {5})) is None
    empty = tiny_snapshot()
    assert vintages(empty, _mask(empty, {0})) is None


def test_diagnosis_block_hidden_with_one_vintage_and_shown_with_two():
    at = dt.date(2025, 1, 1)
    single = tiny_snapshot()
    result = diagnose(single, np.arange(5), at)
    assert result["evolution_population"] is None
    assert not [e for e in result["indicateurs"] if e["bloc"] == "evolution"]

    snap = with_history()
    result = diagnose(snap, np.arange(5), at)
    assert result["evolution_population"]["annee_debut"] == 2010
    assert result["evolution_population"]["communes_couvertes"] == 4  # commune 4 lacks 2010
    by_code = {e["code"]: e for e in result["indicateurs"] if e["bloc"] == "evolution"}
    assert set(by_code) == {
        "evolution.population_debut",
        "evolution.population_fin",
        "evolution.absolue",
        "evolution.taux_annuel",
    }
    rate = by_code["evolution.taux_annuel"]
    assert rate["valeur"] == pytest.approx(
        ((rate["numerateur"] / rate["denominateur"]) ** (1 / 11) - 1) * 100
    )
    france = population_evolution(snap, np.ones(snap.size, dtype=bool), 2010, 2021)
    assert rate["comparaisons"]["france"] == pytest.approx(france.taux_annuel)
    assert rate["millesime"] == "2010–2021"
