"""Aggregation: Σ numerators / Σ denominators, population-weighted pre-computed ratios."""

import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from maillage.engine.indicators import SecrecyPolicy, diagnose
from maillage.engine.indicators.aggregate import ratio, weighted_mean
from maillage.engine.indicators.selection import inside_polygon, within_km

from .helpers import tiny_snapshot

NO_NOISE = SecrecyPolicy(seuil=1, noise={0: 1.0})
AT = dt.date(2026, 1, 1)


def by_code(result):
    return {e["code"]: e for e in result["indicateurs"]}


def test_ratio_of_sums_not_mean_of_ratios():
    snap = tiny_snapshot()
    idx = np.array([0, 3, 7])
    result = by_code(diagnose(snap, idx, NO_NOISE, AT))
    series = snap.indicators[0]
    expected = series.num[idx].sum() / series.den[idx].sum() * 100
    assert result["ald"]["valeur"] == pytest.approx(expected)
    assert result["ald"]["valeur"] != pytest.approx(
        np.mean(series.num[idx] / series.den[idx]) * 100 + 1
    )
    apl = snap.indicators[1]
    assert result["apl"]["valeur"] == pytest.approx(
        (apl.num[idx] * snap.population[idx]).sum() / snap.population[idx].sum()
    )


@settings(deadline=None, max_examples=60)
@given(st.sets(st.integers(0, 29), min_size=1, max_size=30))
def test_population_density_and_exact_counts_without_noise(communes):
    snap = tiny_snapshot()
    idx = np.array(sorted(communes))
    result = diagnose(snap, idx, NO_NOISE, AT)
    t = result["territoire"]
    assert t["population"] == round(snap.population[idx].sum())
    assert t["densite"] == pytest.approx(snap.population[idx].sum() / snap.surface[idx].sum())
    truth = snap.true_counts(communes)
    codes = by_code(result)
    for category, count in truth.items():
        assert codes[f"offre.{category}.effectif"]["valeur"] == count
    france = codes["population"]["comparaisons"]["france"]
    assert france == pytest.approx(snap.population.sum())


def test_helpers():
    assert ratio(1, 0) is None and ratio(1, 4, 100) == 25
    assert weighted_mean(np.array([1.0, 3.0]), np.array([1.0, 3.0])) == pytest.approx(2.5)
    snap = tiny_snapshot()
    assert 0 in within_km(snap, "00001", 0.0)
    ring = [(1.9, 44.9), (3.1, 44.9), (3.1, 46.1), (1.9, 46.1)]
    assert inside_polygon(snap, ring).size == 30
    assert inside_polygon(snap, ring[:2]).size == 0
