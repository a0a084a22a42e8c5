"""Aggregation: one rule per kind of indicator, always a ratio of sums over the communes."""

import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from maillage.engine.indicators import SecrecyPolicy, diagnose
from maillage.engine.indicators.aggregate import aggregate, ratio
from maillage.engine.indicators.selection import within_km

from .helpers import CATEGORIES, tiny_snapshot

# Threshold 1: nothing is small, every cell is exact (the aggregation alone is tested).
EXACT = SecrecyPolicy(key=b"tests-exact-key-0123", seuils={"professionnels": 1, "patients": 1})
AT = dt.date(2026, 1, 1)


def by_code(result):
    return {e["code"]: e for e in result["indicateurs"]}


@settings(deadline=None, max_examples=60)
@given(st.sets(st.integers(0, 29), min_size=1, max_size=30))
def test_each_kind_aggregates_by_its_rule(communes):
    snap = tiny_snapshot(policy=EXACT)
    idx = np.array(sorted(communes))
    result = by_code(diagnose(snap, idx, AT))
    records, pop = snap.records, snap.population
    # ratio: Σ numerators / Σ denominators × facteur — never a mean of ratios.
    assert result["ald"]["valeur"] == pytest.approx(
        records.ald_num[idx].sum() / records.ald_den[idx].sum() * 100
    )
    # moyenne pondérée: the population-weighted mean of the communes' values.
    apl = snap.indicators[1]
    values = apl.num.value[idx] / apl.den.value[idx]
    assert result["apl"]["valeur"] == pytest.approx(np.average(values, weights=pop[idx]))
    assert result["apl"]["numerateur"] is None and result["apl"]["denominateur"] == pop[idx].sum()
    # somme: the plain sum of the communes' counts.
    assert result["visites"]["valeur"] == records.visits[idx].sum()
    truth = snap.true_counts(communes)
    gp = truth["medecin_generaliste"]
    assert result["densite_mg"]["valeur"] == pytest.approx(gp / pop[idx].sum() * 100)
    for category, count in truth.items():
        assert result[f"offre.{category}.effectif"]["valeur"] == count


@settings(deadline=None, max_examples=60)
@given(st.sets(st.integers(0, 29), min_size=1, max_size=30))
def test_population_density_and_exact_counts_without_secret(communes):
    snap = tiny_snapshot(policy=EXACT)
    idx = np.array(sorted(communes))
    result = diagnose(snap, idx, AT)
    t = result["territoire"]
    assert t["population"] == round(snap.population[idx].sum())
    assert t["densite"] == pytest.approx(snap.population[idx].sum() / snap.surface[idx].sum())
    codes = by_code(result)
    liberal = snap.records.counts(snap.size, liberal_only=True)[idx].sum(axis=0)
    for k, category in enumerate(CATEGORIES):
        assert codes[f"offre.{category}.liberaux"]["valeur"] == liberal[k]
    france = codes["population"]["comparaisons"]["france"]
    assert france == pytest.approx(snap.population.sum())


def test_every_professional_counts_once_in_the_whole_territory():
    snap = tiny_snapshot(policy=EXACT)
    result = by_code(diagnose(snap, np.arange(snap.size), AT))
    total = sum(result[f"offre.{c}.effectif"]["valeur"] for c in CATEGORIES)
    assert total == snap.records.prof_category.size == snap.professionals


def test_helpers():
    assert ratio(1, 0) is None and ratio(1, 4, 100) == 25
    assert aggregate("somme", 3, None, 2) == 6 and aggregate("ratio", 1, 4, 100) == 25
    with pytest.raises(ValueError, match="agrégation inconnue"):
        aggregate("moyenne", 1, 1, 1)
    snap = tiny_snapshot()
    assert 0 in within_km(snap, "00001", 0.0)
