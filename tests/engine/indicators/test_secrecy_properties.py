"""Property tests of the statistical secrecy (commune cells protected once, sums of cells).

Guarantees (docs/diagnostic.md):
1. a cell of at least ``seuil`` is exact, 0 stays 0, a cell of 1..seuil − 1 is a fixed
   stand-in in 1..seuil − 1 that depends on its name and the key only;
2. every territory value is the sum of its protected cells; a territory whose true total is
   below the threshold is always secret, and secrecy depends on public knowledge only;
3. indistinguishability: two databases that differ only by the values of small cells publish
   exactly the same diagnosis for every territory — so no attack, whatever the number of
   queries, learns more about a hidden count than « between 1 and seuil − 1 ».
"""

import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from maillage.engine.indicators import SecrecyPolicy, diagnose, protect
from maillage.engine.indicators.secrecy import is_secret, publish, stand_in_law, stand_ins

from .helpers import CATEGORIES, POLICY, tiny_records, tiny_snapshot, with_records

AT = dt.date(2026, 11, 24)
SEUIL = POLICY.seuil


def named(prefix):
    return lambda positions: [f"{prefix}|{i}" for i in zip(*positions, strict=True)]


@settings(deadline=None)
@given(
    st.lists(st.integers(0, 40), min_size=1, max_size=60),
    st.integers(2, 12),
    st.binary(min_size=16, max_size=32),
)
def test_cells_exact_zero_or_fixed_stand_in(counts, seuil, key):
    counts = np.array(counts, dtype=float)
    cells = protect(counts, named("c"), seuil, key)
    small = (counts > 0) & (counts < seuil)
    assert np.array_equal(cells.value[~small], counts[~small])
    assert np.all((cells.value[small] >= 1) & (cells.value[small] <= seuil - 1))
    assert np.array_equal(cells.floor, np.where(small, 1.0, counts))
    # The stand-in does not depend on the true count: any other small values, same output.
    other = np.where(small, (counts % (seuil - 1)) + 1, counts)
    assert np.array_equal(protect(other, named("c"), seuil, key).value, cells.value)


def test_stand_ins_follow_their_law_and_the_key():
    names = [f"cellule {i}" for i in range(20_000)]
    draws = stand_ins(names, 5, b"k" * 16)
    frequencies = np.bincount(draws.astype(int), minlength=5)[1:] / draws.size
    assert np.allclose(frequencies, [0.48, 0.24, 0.16, 0.12], atol=0.015)
    assert np.allclose(stand_in_law(5), np.array([12, 6, 4, 3]) / 25)
    assert np.array_equal(stand_ins(names[:50], 5, b"k" * 16), draws[:50])
    other_key = stand_ins(names, 5, b"x" * 16)
    # An unrelated draw under another key: agreement by chance only (Σ p² = 0.33).
    assert 0.3 < np.mean(other_key == draws) < 0.36
    assert set(np.unique(stand_ins(names[:500], 10, b"k" * 16))) == set(range(1, 10))


@settings(deadline=None, max_examples=60)
@given(st.lists(st.integers(0, 12), min_size=1, max_size=40), st.data())
def test_territory_rule(counts, data):
    counts = np.array(counts, dtype=float)
    cells = protect(counts, named("t"), SEUIL, POLICY.key)
    rows = np.array(sorted(data.draw(st.sets(st.integers(0, counts.size - 1), min_size=1))))
    out = publish(cells, rows)
    true_total = counts[rows].sum()
    if 0 < true_total < SEUIL:
        assert out.secret  # a true total below the threshold is never shown
    if not out.secret:
        assert out.valeur == cells.value[rows].sum()  # a plain sum of protected cells
        assert out.valeur == 0 or out.valeur >= SEUIL
    assert out.secret == is_secret(cells.floor[rows].sum(), SEUIL)


def perturbed(records, rng):
    """The same database except for the values of small cells (each stays in 1..seuil − 1):
    professionals cloned in cells of 1 to seuil − 2, patients counts redrawn."""
    counts = records.counts(30)
    commune = records.main_commune()
    single = np.bincount(records.act_prof, minlength=commune.size) == 1
    clones = []
    for p in np.flatnonzero((commune >= 0) & single):
        cell = (commune[p], records.prof_category[p])
        if counts[cell] <= SEUIL - 2 and rng.random() < 0.5:
            counts[cell] += 1  # at most seuil − 1 after the clones
            clones.append(p)
    position = {p: np.flatnonzero(records.act_prof == p)[0] for p in clones}
    new_ids = np.arange(commune.size, commune.size + len(clones))
    redraw = lambda v, seuil: np.where(  # noqa: E731
        (v > 0) & (v < seuil), rng.integers(1, seuil, v.size), v
    )
    return with_records(
        records,
        prof_category=np.concatenate([records.prof_category, records.prof_category[clones]]),
        prof_birth=np.concatenate([records.prof_birth, records.prof_birth[clones]]),
        act_prof=np.concatenate([records.act_prof, new_ids]),
        act_commune=np.concatenate(
            [records.act_commune, [records.act_commune[position[p]] for p in clones]]
        ),
        act_liberal=np.concatenate(
            [records.act_liberal, [records.act_liberal[position[p]] for p in clones]]
        ).astype(bool),
        ald_num=redraw(records.ald_num, POLICY.seuil_of("patients")),
        visits=redraw(records.visits, POLICY.seuil_of("patients")),
    )


def small_world(seed):
    """Records with many small cells: few professionals, some tiny patient counts."""
    records = tiny_records(seed=seed)
    rng = np.random.default_rng(seed)
    keep = rng.random(records.prof_category.size) < 0.25
    kept = np.flatnonzero(keep)
    renumber = np.full(keep.size, -1)
    renumber[kept] = np.arange(kept.size)
    acts = keep[records.act_prof]
    ald = records.ald_num.copy()
    ald[rng.random(ald.size) < 0.3] = rng.integers(1, 10)
    return with_records(
        records,
        prof_category=records.prof_category[kept],
        prof_birth=records.prof_birth[kept],
        act_prof=renumber[records.act_prof[acts]],
        act_commune=records.act_commune[acts],
        act_liberal=records.act_liberal[acts],
        ald_num=ald,
    )


@settings(deadline=None, max_examples=25)
@given(st.integers(0, 10_000), st.lists(st.sets(st.integers(0, 29), min_size=1), max_size=6))
def test_small_cells_are_indistinguishable_through_every_figure(seed, territories):
    world_a = small_world(seed)
    world_b = perturbed(world_a, np.random.default_rng(seed + 1))
    assert not np.array_equal(world_a.counts(30), world_b.counts(30)) or not np.array_equal(
        world_a.ald_num, world_b.ald_num
    )
    snap_a, snap_b = tiny_snapshot(records=world_a), tiny_snapshot(records=world_b)
    for territory in [*territories, set(range(30))]:
        idx = np.array(sorted(territory))
        assert diagnose(snap_a, idx, AT) == diagnose(snap_b, idx, AT)


def test_averaging_recovers_stand_ins_never_the_hidden_counts():
    """The attack of issue 10 on the engine: 150 base territories of 12 communes; the average
    difference is the stand-in, the same in two worlds whose hidden counts differ."""
    world_a = small_world(11)
    world_b = perturbed(world_a, np.random.default_rng(12))
    snaps = [tiny_snapshot(records=world_a), tiny_snapshot(records=world_b)]
    rng = np.random.default_rng(0)
    estimates = []
    for snap in snaps:
        truth = snap.records.counts(snap.size)
        found = {}
        for commune in range(29):
            others = np.setdiff1d(np.arange(29), [commune])
            sums = np.zeros(len(CATEGORIES))
            used = np.zeros(len(CATEGORIES))
            for _ in range(150):
                base = rng.choice(others, 12, replace=False)
                a = diagnose(snap, np.sort(base), AT)["indicateurs"]
                b = diagnose(snap, np.sort(np.append(base, commune)), AT)["indicateurs"]
                for ea, eb in zip(a, b, strict=True):
                    if ea.get("mesure") == "effectif" and not (ea["secret"] or eb["secret"]):
                        k = CATEGORIES.index(ea["categorie"])
                        sums[k] += eb["valeur"] - ea["valeur"]
                        used[k] += 1
            for k in range(len(CATEGORIES)):
                if 0 < truth[commune, k] < SEUIL and used[k]:
                    found[(commune, k)] = (sums[k] / used[k], int(truth[commune, k]))
            if len(found) >= 25:
                break
        estimates.append(found)
    shared = sorted(set(estimates[0]) & set(estimates[1]))
    assert len(shared) >= 10
    differing = [c for c in shared if estimates[0][c][1] != estimates[1][c][1]]
    assert differing  # the hidden counts differ between the worlds…
    for cell in shared:  # …the attack's estimate does not
        assert estimates[0][cell][0] == pytest.approx(estimates[1][cell][0])
        assert float(estimates[0][cell][0]).is_integer()  # a constant: the stand-in


def test_policy_is_validated():
    with pytest.raises(ValueError, match="16 à 64 octets"):
        SecrecyPolicy(key=b"court")
    with pytest.raises(ValueError, match="seuil"):
        SecrecyPolicy(key=b"k" * 16, seuils={"professionnels": 0, "patients": 10})
    ten = np.full(3, 10.0)
    assert np.array_equal(protect(ten, named("x"), 11, b"k" * 16).floor, np.ones(3))
    assert np.array_equal(protect(ten, named("x"), 10, b"k" * 16).value, ten)
