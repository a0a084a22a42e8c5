"""Attacks on the published diagnosis, written as an outsider would: only public requests.

Shared by the attack tests and ``benchmarks/bench_secrecy_attack.py`` (which measures them).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

#: A public query: commune codes → {indicator code: published value, None when secret}.
Query = Callable[[Sequence[str]], dict[str, float | None]]


def api_query(client) -> Query:
    """The public diagnosis API (`GET /api/diagnostics/?communes=…`), as an anonymous client."""

    def query(codes: Sequence[str]) -> dict[str, float | None]:
        response = client.get("/api/diagnostics/", {"communes": ",".join(codes)})
        assert response.status_code == 200, response.content[:300]
        return {
            e["code"]: (None if e["secret"] else e["valeur"])
            for e in response.json()["indicateurs"]
        }

    return query


def averaging_attack(
    query: Query,
    universe: Sequence[str],
    targets: Sequence[tuple[str, str]],
    bases: int = 150,
    size: int = 12,
    seed: int = 0,
) -> list[float | None]:
    """The attack of issue 10: for each target (commune c, indicator code), average
    ``published(T ∪ {c}) − published(T)`` over ``bases`` random base territories T of ``size``
    other communes. Returns the mean difference per target (None: fewer than 10 usable pairs).

    The same base territories serve every target (none of them contains a target commune), so
    the cost is ``bases × (1 + number of target communes)`` requests.
    """
    rng = np.random.default_rng(seed)
    hidden = {c for c, _ in targets}
    pool = np.array(sorted(set(universe) - hidden), dtype=object)
    territories = [sorted(rng.choice(pool, size, replace=False).tolist()) for _ in range(bases)]
    published_bases = [query(t) for t in territories]
    with_commune: dict[str, list[dict[str, float | None]]] = {}
    for commune in sorted(hidden):
        with_commune[commune] = [query(sorted([*t, commune])) for t in territories]
    estimates: list[float | None] = []
    for commune, code in targets:
        differences = [
            union[code] - base[code]
            for base, union in zip(published_bases, with_commune[commune], strict=True)
            if base.get(code) is not None and union.get(code) is not None
        ]
        estimates.append(float(np.mean(differences)) if len(differences) >= 10 else None)
    return estimates


def recovered(estimates: Sequence[float | None], truths: Sequence[int]) -> int:
    """How many hidden counts the attack got exactly (rounded mean = true count)."""
    return sum(e is not None and round(e) == t for e, t in zip(estimates, truths, strict=True))
