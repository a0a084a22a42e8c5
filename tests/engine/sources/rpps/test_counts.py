"""Counts of professionals per commune, category and mode of practice."""

from __future__ import annotations

from collections import defaultdict

from maillage.engine.sources import rpps

from ..generated import (
    random_rpps_rows,
    write_rpps,
)
from .readers import SAMPLE


def test_count_professionals_on_the_sample(shared_data):
    counts = rpps.count_professionals(SAMPLE, postcode_to_commune={"25300": "25462"})
    assert counts.column_names == ["code_commune", "categorie", "mode_exercice", "effectif"]
    rows = {(r["code_commune"], r["categorie"], r["mode_exercice"]): r["effectif"]
            for r in counts.to_pylist()}  # fmt: skip
    assert rows[("25462", "audioprothesiste", "S")] == 1
    assert rows[("01053", "ergotherapeute", "S")] == 1
    assert rows[("", "opticien_lunetier", "S")] == 5
    assert sum(rows.values()) == 22


def test_count_professionals_matches_a_naive_count(tmp_path):
    path = write_rpps(tmp_path / "f.txt", random_rpps_rows(3000, seed=7))
    options = {"postcode_to_commune": {"83170": "83023"}, "merge_plm": True}
    activities = list(rpps.iter_activities(path, **options))
    professionals = rpps.aggregate_professionals(activities)
    expected: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    for activity in activities:
        category = professionals[activity.identifiant_national].categorie
        key = (activity.code_commune, category, activity.mode_exercice)
        expected[key].add(activity.identifiant_national)
    counts = rpps.count_professionals(path, **options).to_pylist()
    assert {(r["code_commune"], r["categorie"], r["mode_exercice"]): r["effectif"]
            for r in counts} == {key: len(ids) for key, ids in expected.items()}  # fmt: skip
    # Small blocks exercise the streaming over many batches.
    assert sum(len(b) for b in rpps.iter_activity_batches(path, block_size=1 << 14)) == 3000
