"""A tiny synthetic snapshot (30 communes, deterministic professionals) for engine tests.

The snapshot only holds protected cells, like the real one; the records it was built from are
kept beside it (``records``) so that tests can compare with the true counts.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from maillage.engine.indicators import SecrecyPolicy, Snapshot
from maillage.engine.indicators.cells import indicator_cells, main_commune, supply_cells
from maillage.engine.indicators.diagnosis import GP_AGE_LIMIT, GP_CATEGORY
from maillage.engine.indicators.snapshot import IndicatorSeries

CATEGORIES = ["infirmier", "medecin_generaliste", "sage_femme"]
POLICY = SecrecyPolicy(key=b"tests-secret-statistique-key")
AGE_YEAR = 2026


@dataclass(frozen=True)
class Records:
    """What the database holds: professionals, their practices, indicator values."""

    prof_category: np.ndarray  # index into CATEGORIES
    prof_birth: np.ndarray  # NaN unknown
    act_prof: np.ndarray  # practices in file order
    act_commune: np.ndarray  # -1 unknown
    act_liberal: np.ndarray
    ald_num: np.ndarray  # per commune
    ald_den: np.ndarray
    visits: np.ndarray  # a count per commune (``somme`` indicator)

    def main_commune(self) -> np.ndarray:
        return main_commune(self.act_prof, self.act_commune, self.prof_category.size)

    def liberal(self) -> np.ndarray:
        liberal = np.zeros(self.prof_category.size, dtype=bool)
        liberal[self.act_prof[self.act_liberal & (self.act_commune >= 0)]] = True
        return liberal

    def counts(self, n: int, liberal_only: bool = False) -> np.ndarray:
        """True counts (communes × categories), each professional in their main commune."""
        commune = self.main_commune()
        keep = (commune >= 0) & (self.liberal() if liberal_only else True)
        out = np.zeros((n, len(CATEGORIES)))
        np.add.at(out, (commune[keep], self.prof_category[keep]), 1)
        return out


class TinySnapshot(Snapshot):
    empty_commune: int = 29
    records: Records

    def true_counts(self, communes) -> dict[str, int]:
        counts = self.records.counts(self.size)[sorted(communes)].sum(axis=0)
        return {c: int(counts[i]) for i, c in enumerate(self.categories)}


def tiny_records(n: int = 30, seed: int = 7) -> Records:
    rng = np.random.default_rng(seed)
    n_prof = 400
    act_prof = np.concatenate([np.arange(n_prof), rng.integers(0, n_prof, 60)])
    pop = np.random.default_rng(seed).integers(200, 20000, n).astype(float)
    return Records(
        prof_category=rng.integers(0, len(CATEGORIES), n_prof),
        prof_birth=rng.integers(1950, 1995, n_prof).astype(float),
        act_prof=act_prof,
        act_commune=rng.integers(0, n - 1, act_prof.size),  # commune n-1 empty
        act_liberal=rng.random(act_prof.size) < 0.7,
        ald_num=np.round(pop * 0.2),
        ald_den=pop.copy(),
        visits=rng.integers(0, 30, n).astype(float),
    )


def tiny_snapshot(
    n: int = 30, seed: int = 7, records: Records | None = None, policy: SecrecyPolicy = POLICY
) -> TinySnapshot:
    rng = np.random.default_rng(seed)
    pop = rng.integers(200, 20000, n).astype(float)
    records = records or tiny_records(n, seed)
    ages = np.column_stack([pop * w for w in (0.17, 0.16, 0.18, 0.2, 0.17, 0.09, 0.03)])
    codes = np.array([f"00{i + 1:03d}" for i in range(n)], dtype=object)
    everywhere = np.arange(n, dtype=np.int32)

    def series(code, agregation, num, den, family="patients", num_public="", den_public=""):
        def cells(values, part, public_source):
            return indicator_cells(code, 2024, codes, values, part, public_source, policy, family)

        return IndicatorSeries(
            code=code,
            libelle=code,
            unite="%",
            facteur={"ratio": 100.0, "somme": 1.0, "moyenne_ponderee": 1.0}[agregation],
            numerateur=code,
            denominateur="dénominateur",
            source="test",
            millesime="2024",
            agregation=agregation,
            secret=family,
            numerateur_public=num_public,
            denominateur_public=den_public,
            annee=2024,
            commune=everywhere,
            num=cells(num, "numerateur", num_public),
            den=cells(den, "denominateur", den_public),
            has_den=np.isfinite(den) & np.isfinite(num),
        )

    apl = np.random.default_rng(seed + 1).uniform(1, 5, n)
    gp_density = records.counts(n)[:, CATEGORIES.index(GP_CATEGORY)]
    indicators = [
        series("ald", "ratio", records.ald_num, records.ald_den),
        series("apl", "moyenne_ponderee", apl * pop, pop, "professionnels", "DREES", "INSEE"),
        series("densite_mg", "ratio", gp_density, pop, "professionnels", "", "INSEE"),
        series("visites", "somme", records.visits, np.full(n, np.nan)),
    ]
    supply = supply_cells(
        codes,
        CATEGORIES,
        records.prof_category,
        records.main_commune(),
        records.liberal(),
        records.prof_birth,
        policy,
        AGE_YEAR,
        GP_CATEGORY,
        GP_AGE_LIMIT,
    )
    snapshot = TinySnapshot(
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
        supply=supply,
        professionals=int((records.main_commune() >= 0).sum()),
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
        indicators=indicators,
        seuils=dict(policy.seuils),
        policy=policy.fingerprint(),
    )
    snapshot.records = records
    return snapshot


def with_records(records: Records, **changes) -> Records:
    return replace(records, **changes)
