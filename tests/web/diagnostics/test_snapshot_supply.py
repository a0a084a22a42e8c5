"""Professionals and activities of the snapshot read in chunks: the values and the order of
the whole lists they replace, whatever the chunk size."""

from __future__ import annotations

import numpy as np
import pytest

from maillage.web.diagnostics import snapshot_supply
from maillage.web.diagnostics.snapshot_supply import read_activities, read_professionals
from maillage.web.supply.models import Activity, Professional
from maillage.web.territories.models import Commune

from .factories import professional

VOCABULARY = {"medecin_generaliste", "infirmier", "pharmacien"}


def whole_lists(commune_index):
    """The reading the chunks replace: every row as a tuple, then transposed and indexed."""
    rows = list(
        Professional.objects.filter(actif=True).values_list("id", "categorie", "annee_naissance")
    )
    columns = list(zip(*rows, strict=True)) if rows else [(), (), ()]
    categories = sorted(set(columns[1]) | VOCABULARY)
    category = np.array([categories.index(c) for c in columns[1]], dtype=np.int64)
    births = np.array([np.nan if v is None else v for v in columns[2]], dtype=np.float64)
    position = {pk: i for i, pk in enumerate(columns[0])}
    activities = list(
        Activity.objects.filter(commune__isnull=False, professional__actif=True)
        .order_by("pk")
        .values_list("professional_id", "commune_id", "mode_exercice")
    )
    owner = np.array([position[a[0]] for a in activities], dtype=np.int64)
    communes = commune_index([a[1] for a in activities])
    liberal = np.array([a[2] == "L" for a in activities], dtype=bool)
    return categories, category, births, owner, communes, liberal


def read(commune_index):
    staff = read_professionals(Professional.objects.filter(actif=True), VOCABULARY)
    activities = read_activities(
        Activity.objects.filter(commune__isnull=False, professional__actif=True).order_by("pk"),
        staff.ids,
        commune_index,
    )
    return staff, activities


@pytest.fixture
def supply(var_referential):
    """Professionals of several categories (one outside the vocabulary), some inactive, with
    0 to 3 activities each in communes of the Var, recorded in shuffled order."""
    rng = np.random.default_rng(14)
    codes = list(Commune.objects.filter(departement_id="83").values_list("code", flat=True))
    categories = [*sorted(VOCABULARY), "categorie_hors_vocabulaire"]
    people = [
        professional(
            categorie=categories[rng.integers(len(categories))],
            annee_naissance=None if rng.random() < 0.3 else int(rng.integers(1950, 2000)),
            actif=bool(rng.random() < 0.9),
        )
        for _ in range(40)
    ]
    practices = [
        (person, codes[rng.integers(len(codes))] if rng.random() < 0.9 else None)
        for person in people
        for _ in range(rng.integers(0, 4))
    ]
    for index in rng.permutation(len(practices)):
        person, commune = practices[index]
        Activity.objects.create(
            professional=person, commune_id=commune, mode_exercice="LSA"[rng.integers(3)]
        )
    index = {code: i for i, code in enumerate(sorted(codes))}
    return lambda values: np.array([index.get(c, -1) if c else -1 for c in values], np.int32)


@pytest.mark.parametrize("chunk", [1, 7, 50_000])
def test_chunks_read_what_the_whole_lists_read(supply, monkeypatch, chunk):
    monkeypatch.setattr(snapshot_supply, "CHUNK", chunk)
    categories, category, births, owner, communes, liberal = whole_lists(supply)
    staff, activities = read(supply)
    assert staff.categories == categories
    assert "categorie_hors_vocabulaire" in categories
    for got, expected in [
        (staff.category, category),
        (staff.birth_year, births),
        (activities.owner, owner),
        (activities.commune, communes),
        (activities.liberal, liberal),
    ]:
        assert got.dtype == expected.dtype
        np.testing.assert_array_equal(got, expected)
    assert len(activities.owner) > 40  # several activities per professional, in chunks


def test_no_supply_gives_empty_arrays_and_the_vocabulary(db):
    staff, activities = read(lambda values: np.array([], np.int32))
    assert staff.categories == sorted(VOCABULARY)
    assert staff.ids.dtype == np.int64 and staff.birth_year.dtype == np.float64
    assert len(staff.ids) == len(activities.owner) == 0
    assert activities.commune.dtype == np.int32 and activities.liberal.dtype == bool


def test_an_activity_of_an_unknown_professional_is_a_key_error(supply):
    staff = read_professionals(Professional.objects.filter(actif=True), VOCABULARY)
    with pytest.raises(KeyError):
        read_activities(Activity.objects.all(), staff.ids[1:], supply)
