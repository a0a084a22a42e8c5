"""Property: the order of the lines never changes professionals, categories or fingerprints."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from maillage.web.supply import rpps_import, rpps_tables
from tests.engine.sources.generated import random_rpps_rows, write_rpps


class _NoReferential(rpps_import.CommuneResolver):
    def __init__(self) -> None:  # no database: every code is kept, no postcode table
        self.current, self.merged, self.postcodes, self.ambiguous = set(), {}, {}, set()


def _summary(path):
    tables = rpps_tables.read_tables(path, _NoReferential())
    prints = rpps_tables.fingerprints(tables)
    ids = tables.professionals.column("identifiant_national").to_pylist()
    categories = tables.professionals.column("categorie").to_pylist()
    return {i: (c, p) for i, c, p in zip(ids, categories, prints.tolist(), strict=True)}


@settings(max_examples=15, deadline=None)
@given(count=st.integers(1, 60), seed=st.integers(0, 10_000))
def test_line_order_does_not_matter(tmp_path_factory, count, seed):
    rows = random_rpps_rows(count, seed=seed)
    folder = tmp_path_factory.mktemp("rpps")
    straight = _summary(write_rpps(folder / "a.txt", rows))
    shuffled = rows[:]
    random.Random(seed).shuffle(shuffled)
    # A repeated line adds no activity: the fingerprints stay equal.
    other = _summary(write_rpps(folder / "b.txt", shuffled + shuffled[:1]))
    assert set(straight) == set(other)
    for key, (category, fingerprint) in straight.items():
        assert other[key] == (category, fingerprint)
