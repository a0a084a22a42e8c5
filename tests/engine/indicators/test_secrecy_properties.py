"""Property tests of the statistical secrecy (cell-key method, threshold after aggregation).

Guarantees (docs/diagnostic.md):
1. same records → same output (order, repetition, other territories with the same records);
2. every published count is within ``bound`` of the truth; zero stays zero;
3. no count in [1, seuil - 1] is ever published, and no published value is below ``seuil``;
4. differencing: published(T ∪ D) − published(T) = count(D) + n₁ − n₂; the pair never pins a
   hidden count(D) (several hidden counts remain consistent with it), and the naive guess is
   wrong for most pairs.
"""

import datetime as dt

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from maillage.engine.indicators import SecrecyPolicy, diagnose, publish_counts, record_keys

from .helpers import tiny_snapshot

POLICY = SecrecyPolicy()
ids = st.lists(st.from_regex(r"8[0-9]{10}", fullmatch=True), min_size=0, max_size=60, unique=True)


def published(identifiers, policy=POLICY):
    keys = record_keys(np.array(identifiers, dtype=object), policy)
    out = publish_counts(np.array([len(identifiers)]), np.array([float(keys.sum())]), policy)
    return (None if out.secret[0] else float(out.valeur[0])), bool(out.secret[0])


@settings(deadline=None)
@given(ids, st.randoms())
def test_same_records_same_output(identifiers, rnd):
    shuffled = list(identifiers)
    rnd.shuffle(shuffled)
    assert published(identifiers) == published(shuffled) == published(identifiers)


@settings(deadline=None)
@given(ids)
def test_bounded_noise_and_threshold(identifiers):
    value, secret = published(identifiers)
    n = len(identifiers)
    if n == 0:
        assert value == 0 and not secret
    elif n < POLICY.seuil:
        assert secret and value is None
    if not secret:
        assert abs(value - n) <= POLICY.bound
        assert value == 0 or value >= POLICY.seuil


@settings(deadline=None)
@given(
    st.lists(st.from_regex(r"8[0-9]{10}", fullmatch=True), min_size=5, max_size=80, unique=True),
    st.integers(min_value=1, max_value=POLICY.seuil - 1),
)
def test_difference_never_pins_a_hidden_count(base, hidden):
    extra = [f"9{i:010d}" for i in range(hidden)]
    v_t, s_t = published(base)
    v_td, s_td = published(base + extra)
    if s_t or s_td:
        return  # nothing to subtract
    diff = v_td - v_t
    # Given only the published pair and the public bound, every hidden count within
    # 2 × bound of the difference is possible: at least two values of [1, seuil - 1].
    consistent = [c for c in range(1, POLICY.seuil) if abs(diff - c) <= 2 * POLICY.bound]
    assert hidden in consistent and len(consistent) >= 2


def test_naive_differencing_is_mostly_wrong():
    rng = np.random.default_rng(4)
    right = total = 0
    for trial in range(2000):
        base = [f"8{x:010d}" for x in rng.choice(10**9, size=rng.integers(5, 60), replace=False)]
        hidden = int(rng.integers(1, POLICY.seuil))
        extra = [f"7{trial:05d}{i:05d}" for i in range(hidden)]
        v_t, s_t = published(base)
        v_td, s_td = published(base + extra)
        if s_t or s_td:
            continue
        total += 1
        right += v_td - v_t == hidden
    assert total > 1000
    # Σ p² of the p-table is 0.26: the difference equals the hidden count about a quarter
    # of the time, and the attacker cannot tell when.
    assert right / total < 0.35


@settings(max_examples=40, deadline=None)
@given(
    st.sets(st.integers(min_value=0, max_value=29), min_size=1, max_size=20),
    st.sets(st.integers(min_value=0, max_value=29), min_size=1, max_size=3),
)
def test_territory_differencing_through_the_diagnosis(territory, added):
    """On the full diagnosis: a territory and the same plus up to 3 communes."""
    snap = tiny_snapshot()
    at = dt.date(2026, 1, 1)
    base = diagnose(snap, np.array(sorted(territory)), POLICY, at)
    union = diagnose(snap, np.array(sorted(territory | added)), POLICY, at)
    again = diagnose(snap, np.array(sorted(territory)), POLICY, at)
    assert base == again  # same query, same output
    truth_t = snap.true_counts(territory)
    truth_u = snap.true_counts(territory | added)
    for entry_t, entry_u in zip(base["indicateurs"], union["indicateurs"], strict=True):
        if entry_t.get("mesure") != "effectif":
            continue
        category = entry_t["categorie"]
        hidden = truth_u[category] - truth_t[category]
        for entry, truth in ((entry_t, truth_t[category]), (entry_u, truth_u[category])):
            if 0 < truth < POLICY.seuil:
                assert entry["secret"] and entry["valeur"] is None and entry["numerateur"] is None
            if not entry["secret"]:
                assert abs(entry["valeur"] - truth) <= POLICY.bound
        if entry_t["secret"] or entry_u["secret"] or not 0 < hidden < POLICY.seuil:
            continue
        diff = entry_u["valeur"] - entry_t["valeur"]
        consistent = [c for c in range(1, POLICY.seuil) if abs(diff - c) <= 2 * POLICY.bound]
        assert hidden in consistent and len(consistent) >= 2


def test_communes_without_records_do_not_change_the_cell():
    """Adding a commune with no professional of a category gives the same published value."""
    snap = tiny_snapshot()
    at = dt.date(2026, 1, 1)
    empty = snap.empty_commune
    a = diagnose(snap, np.array([0, 1, 2]), POLICY, at)
    b = diagnose(snap, np.array([0, 1, 2, empty]), POLICY, at)
    for ea, eb in zip(a["indicateurs"], b["indicateurs"], strict=True):
        if ea.get("mesure") in ("effectif", "liberaux"):
            assert ea["valeur"] == eb["valeur"] and ea["secret"] == eb["secret"]


def test_policy_is_configurable():
    strict = SecrecyPolicy(seuil=11)
    ten = [f"8{i:010d}" for i in range(10)]
    assert published(ten, strict) == (None, True)
    assert published(ten, SecrecyPolicy(seuil=3, noise={0: 1.0})) == (10.0, False)
