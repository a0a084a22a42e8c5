"""Dask distributed backend: identical results to the local backend."""

from __future__ import annotations

import numpy as np
import pytest

from maillage.engine.accessibility import apl_decay, crow_fly_times, e2sfca, weight_matrix


@pytest.fixture(scope="module")
def dask_client():
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0"
    )
    client = distributed.Client(cluster)
    yield client
    client.close()
    cluster.close()


def test_dask_backend_is_identical_to_local(dask_client):
    rng = np.random.default_rng(11)
    n = 4000
    lat = rng.uniform(43, 49, n)
    lon = rng.uniform(-1, 7, n)
    origins, destinations, minutes = crow_fly_times(lat, lon, 20)
    demand = rng.uniform(0, 3000, n)
    demand[rng.random(n) < 0.05] = 0.0
    supply = np.where(rng.random(n) < 0.3, rng.uniform(0, 30000, n), 0.0)
    weights = weight_matrix(origins, destinations, minutes, apl_decay(), shape=(n, n))
    local = e2sfca(weights, demand, supply)
    for n_blocks in (None, 3, 7):
        remote = e2sfca(
            weights, demand, supply, backend="dask", client=dask_client, n_blocks=n_blocks
        )
        np.testing.assert_array_equal(remote, local)


def test_dask_backend_on_a_rectangular_problem(dask_client):
    rng = np.random.default_rng(12)
    origins = rng.integers(0, 50, 300)
    destinations = rng.integers(0, 9, 300)
    keys = np.unique(origins * 9 + destinations)
    weights = weight_matrix(
        keys // 9, keys % 9, rng.uniform(0, 25, keys.size), apl_decay(), shape=(50, 9)
    )
    demand = rng.uniform(0, 100, 50)
    supply = rng.uniform(0, 100, 9)
    np.testing.assert_array_equal(
        e2sfca(weights, demand, supply, backend="dask", client=dask_client),
        e2sfca(weights, demand, supply),
    )


def test_dask_backend_with_a_scheduler_address(dask_client):
    weights = weight_matrix([0, 1, 0, 1], [0, 1, 1, 0], [0, 0, 12, 12], apl_decay())
    remote = e2sfca(
        weights, [10, 20], [300, 0], backend="dask", client=dask_client.scheduler.address
    )
    np.testing.assert_array_equal(remote, e2sfca(weights, [10, 20], [300, 0]))
