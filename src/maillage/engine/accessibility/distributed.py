"""Dask distributed backend: a sparse matrix-vector product computed in row blocks.

The E2SFCA (:func:`.fca.e2sfca` with ``backend="dask"``) is two such products: ``Wᵀ · P*``
(catchment demand) and ``W · R`` (accessibility). This module knows nothing of the method:
it splits a CSR matrix into blocks of rows, sends them to the workers with the vector, and
concatenates the results. Each output value is computed inside one block in the order of its
CSR row, so results are bit-for-bit those of ``matrix @ vector`` on a canonical CSR.
"""

from __future__ import annotations

import itertools

import numpy as np
import scipy.sparse as sp


def _block_matvec(block: sp.csr_matrix, vector: np.ndarray) -> np.ndarray:
    return block @ vector


def _blocks(matrix: sp.csr_matrix, n_blocks: int) -> list[sp.csr_matrix]:
    edges = np.linspace(0, matrix.shape[0], n_blocks + 1).astype(int)
    return [matrix[a:b] for a, b in itertools.pairwise(edges) if b > a]


class BlockedMatVec:
    """``matrix @ vector`` on a Dask distributed cluster, as a context manager::

        with BlockedMatVec(client) as matvec:
            result = matvec(matrix, vector)

    Parameters
    ----------
    client : distributed.Client or str, optional
        Client, or scheduler address (``"tcp://host:8786"``, a client is then opened and
        closed with the context); default: the current client.
    n_blocks : int, optional
        Blocks of rows per product; default: 2 per worker thread.
    """

    def __init__(self, client=None, n_blocks: int | None = None):
        self._client_argument = client
        self._n_blocks = n_blocks
        self._owned = False
        self.client = None

    def __enter__(self) -> BlockedMatVec:
        from distributed import Client, get_client

        client = self._client_argument
        if client is None:
            self.client = get_client()
        elif isinstance(client, str):
            self.client, self._owned = Client(client), True
        else:
            self.client = client
        if self._n_blocks is None:
            self._n_blocks = max(1, 2 * sum(self.client.nthreads().values()))
        return self

    def __exit__(self, *exc) -> None:
        if self._owned:
            self.client.close()

    def __call__(self, matrix: sp.csr_matrix, vector: np.ndarray) -> np.ndarray:
        """``matrix @ vector`` for a CSR matrix with sorted indices."""
        shared = self.client.scatter(vector, broadcast=True, hash=False)
        parts = [
            self.client.submit(_block_matvec, block, shared, pure=False)
            for block in _blocks(matrix, self._n_blocks)
        ]
        return np.concatenate(self.client.gather(parts)) if parts else np.zeros(0)
