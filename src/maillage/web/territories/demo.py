"""Demo content of the territory referential (deterministic, idempotent): a fictitious zoning
of territoires de vie-santé and a second, older vintage of legal populations so that the
diagnosis shows an evolution. Everything here is invented and labelled as such."""

from __future__ import annotations

import numpy as np
from scipy.cluster.vq import kmeans2

from maillage.engine.demo.territory import DEPARTEMENT, POPULATION_YEAR
from maillage.web.imports import ImportReport, atomic_import

from .importers import sync_population_history, write_zoning
from .models import Commune

SEED = 2026
TVS_COUNT = 12
TVS_MILLESIME = 2024
OLD_YEAR = 2017


def _demo_communes() -> list[tuple[str, str, int, float, float]]:
    return list(
        Commune.objects.filter(departement_id=DEPARTEMENT[0], statut=Commune.Statut.ACTUELLE)
        .order_by("code")
        .values_list("code", "nom", "population", "centre_lon", "centre_lat")
    )


def tvs_memberships(communes) -> list[tuple[str, str, str]]:
    """Group neighbouring communes into ``TVS_COUNT`` zones: seeded k-means on the centres
    (longitude scaled by cos(latitude) so that distances are isotropic). Each zone is named
    after its most populous commune; codes T01… follow the population of the zones."""
    codes = [c[0] for c in communes]
    lat0 = np.radians(np.mean([c[4] for c in communes]))
    points = np.array([[c[3] * np.cos(lat0), c[4]] for c in communes], dtype=np.float64)
    _centroids, labels = kmeans2(points, TVS_COUNT, seed=SEED, minit="++", iter=50)
    population = np.array([c[2] or 0 for c in communes], dtype=np.float64)
    totals = np.bincount(labels, weights=population, minlength=TVS_COUNT)
    order = [k for k in np.argsort(-totals, kind="stable") if totals[k] > 0 or (labels == k).any()]
    names = {}
    for rank, k in enumerate(order, start=1):
        members = np.flatnonzero(labels == k)
        pole = members[np.argmax(population[members])]
        names[k] = (f"T{rank:02d}", f"TVS de {communes[pole][1]}")
    return [(codes[i], *names[labels[i]]) for i in range(len(codes))]


def old_populations(communes) -> dict[str, int]:
    """Fictitious vintage ``OLD_YEAR``: each commune's population discounted by a seeded annual
    rate (towns grow, small villages tend to shrink), so that the demo shows an evolution."""
    rng = np.random.default_rng(SEED)
    population = np.array([c[2] or 0 for c in communes], dtype=np.float64)
    base = np.where(population >= 5000, 0.008, np.where(population >= 1000, 0.003, -0.004))
    rate = base + rng.normal(0.0, 0.006, population.size)
    old = np.round(population / (1.0 + rate) ** (POPULATION_YEAR - OLD_YEAR))
    return {c[0]: int(v) for c, v in zip(communes, old, strict=True) if c[2]}


def load_demo() -> ImportReport | None:
    communes = _demo_communes()
    if not communes:
        return None
    report = ImportReport("Territoires de vie-santé et populations 2017 — données fictives")
    with atomic_import(report):
        sync_population_history(
            {c[0]: c[2] for c in communes if c[2] is not None}, POPULATION_YEAR, report
        )
        sync_population_history(
            old_populations(communes), OLD_YEAR, report, label="populations 2017 (fictives)"
        )
        located = [c for c in communes if c[3] is not None and c[4] is not None]
        write_zoning(
            {
                "code": "tvs",
                "type": "tvs",
                "millesime": TVS_MILLESIME,
                "libelle": f"Territoires de vie-santé fictifs {TVS_MILLESIME}",
                "source": "Démonstration — regroupement inventé (k-means des centres)",
                "fictif": True,
            },
            tvs_memberships(located),
            report,
        )
    return report
