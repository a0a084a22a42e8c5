"""A tiny synthetic snapshot (30 communes, deterministic professionals) for engine tests."""

from __future__ import annotations

import numpy as np

from maillage.engine.indicators import SecrecyPolicy, Snapshot, record_keys
from maillage.engine.indicators.snapshot import IndicatorSeries

CATEGORIES = ["infirmier", "medecin_generaliste", "sage_femme"]


class TinySnapshot(Snapshot):
    empty_commune: int = 29

    def true_counts(self, communes) -> dict[str, int]:
        mask = np.isin(self.act_commune, list(communes))
        profs = np.unique(self.act_prof[mask])
        cats = self.prof_category[profs]
        return {c: int((cats == i).sum()) for i, c in enumerate(self.categories)}


def tiny_snapshot(n: int = 30, seed: int = 7) -> TinySnapshot:
    rng = np.random.default_rng(seed)
    pop = rng.integers(200, 20000, n).astype(float)
    ages = np.column_stack([pop * w for w in (0.17, 0.16, 0.18, 0.2, 0.17, 0.09, 0.03)])
    n_prof = 400
    prof_category = rng.integers(0, len(CATEGORIES), n_prof).astype(np.int16)
    ids = np.array([f"8{i:010d}" for i in range(n_prof)], dtype=object)
    act_prof = np.concatenate([np.arange(n_prof), rng.integers(0, n_prof, 60)]).astype(np.int32)
    act_commune = rng.integers(0, n - 1, act_prof.size).astype(np.int32)  # commune n-1 empty
    codes = np.array([f"00{i + 1:03d}" for i in range(n)], dtype=object)
    indicator = IndicatorSeries(
        code="ald",
        libelle="Part ALD",
        unite="%",
        facteur=100.0,
        numerateur="ALD",
        denominateur="assurés",
        source="test",
        millesime="2024",
        secret="effectif",
        secret_seuil=None,
        ponderation="",
        annee=2024,
        commune=np.arange(n, dtype=np.int32),
        num=np.round(pop * 0.2),
        den=pop.copy(),
        record_key=record_keys(
            np.array([f"ald:{c}" for c in codes], dtype=object), SecrecyPolicy()
        ),
    )
    apl = IndicatorSeries(
        code="apl",
        libelle="APL",
        unite="consultations",
        facteur=1.0,
        numerateur="APL",
        denominateur="",
        source="DREES",
        millesime="2023",
        secret="aucun",
        secret_seuil=None,
        ponderation="population",
        annee=2023,
        commune=np.arange(n, dtype=np.int32),
        num=rng.uniform(1, 5, n),
        den=np.full(n, np.nan),
        record_key=np.zeros(n, dtype=np.uint64),
    )
    return TinySnapshot(
        version="test",
        codes=codes,
        noms=np.array([f"Commune {i}" for i in range(n)], dtype=object),
        population=pop,
        surface=rng.uniform(5, 50, n),
        ages=ages,
        departement=np.array(["00"] * n, dtype=object),
        region=np.array(["00"] * n, dtype=object),
        epci=np.array(["200000000"] * n, dtype=object),
        lon=rng.uniform(2, 3, n),
        lat=rng.uniform(45, 46, n),
        population_annee=2022,
        ages_annee=2021,
        departement_noms={"00": "Démo"},
        region_noms={"00": "Démo"},
        categories=CATEGORIES,
        category_labels={c: c for c in CATEGORIES},
        prof_category=prof_category,
        prof_key=record_keys(ids, SecrecyPolicy()),
        prof_birth=rng.integers(1950, 1995, n_prof).astype(float),
        act_commune=act_commune,
        act_prof=act_prof,
        act_liberal=rng.random(act_prof.size) < 0.7,
        classes=["hopital"],
        class_labels={"hopital": "Hôpital"},
        etab_class=np.zeros(2, dtype=np.int16),
        etab_lon=np.array([2.5, 2.9]),
        etab_lat=np.array([45.5, 45.9]),
        etab_nom=np.array(["CH A", "CH B"], dtype=object),
        etab_commune=np.array([0, 5], dtype=np.int32),
        struct_kind=np.array(["CPTS"], dtype=object),
        struct_id=np.array(["C1"], dtype=object),
        struct_nom=np.array(["CPTS Test"], dtype=object),
        struct_pk=np.array([1]),
        pair_struct=np.array([0, 0, 0]),
        pair_commune=np.array([0, 1, 2]),
        indicators=[indicator, apl],
    )
