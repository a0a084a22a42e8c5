"""Statistical secrecy of aggregated counts: threshold + cell-key perturbation.

Design (see ``docs/diagnostic.md``): the "cell key method" of the Australian Bureau of
Statistics (TableBuilder) and of the ONS census tables, applied AFTER aggregation over the
whole territory.

- Every record (a professional, or a commune for commune-level indicators) gets a pseudo-random
  *record key* in ``[0, 2**32)``: a keyed SipHash of its stable identifier; the hash key is a
  server secret, so users cannot compute record keys.
- The *cell key* of an aggregate is the sum of the record keys of the records it counts, modulo
  ``2**32``. It depends only on the set of records, not on the query: the same cell always gets
  the same noise (repeating a query or asking it through another territory that holds the same
  records gives the same value), and adding even one record gives an unrelated cell key.
- The cell key picks a noise ``n`` in ``[-B, +B]`` from a fixed distribution (the p-table).
  Published value = ``count + n``. Zero stays zero (no record, no key).
- A cell is *secret* when its true count is in ``[1, seuil - 1]`` or when its perturbed value
  is below ``seuil``: small counts are never published, perturbed or not.

Guarantees, proven by ``tests/engine/indicators/test_secrecy_properties.py``:
same records → same output; ``|published - true| <= B`` for every published cell; no published
value (other than 0) is below the threshold; the difference of two published territories T and
T ∪ D equals ``count(D)`` plus the difference of two independent-looking noises, so it does not
identify a hidden ``count(D)``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

KEY_MODULUS = 2**32
SECRET_LABEL = "secret statistique"  # noqa: S105 (a label, not a password)

#: Default p-table: noise → probability (symmetric, zero mean, variance 1.2).
DEFAULT_NOISE = {-2: 0.1, -1: 0.2, 0: 0.4, 1: 0.2, 2: 0.1}


@dataclass(frozen=True)
class SecrecyPolicy:
    """How counts are protected. ``seuil``: counts below it are hidden (default 5, like
    data.ameli); ``noise``: p-table of the perturbation; ``hash_key``: 16-character server
    secret used to derive record keys."""

    seuil: int = 5
    noise: Mapping[int, float] = field(default_factory=lambda: dict(DEFAULT_NOISE))
    hash_key: str = "maillage-cellkey"

    def __post_init__(self) -> None:
        if self.seuil < 1:
            raise ValueError(f"seuil : entier ≥ 1 attendu, reçu {self.seuil!r}")
        total = sum(self.noise.values())
        if abs(total - 1) > 1e-9 or any(p < 0 for p in self.noise.values()):
            raise ValueError("table de bruit : probabilités positives de somme 1 attendues")
        if len(self.hash_key.encode()) != 16:
            raise ValueError("hash_key : 16 octets attendus")

    @property
    def bound(self) -> int:
        """Largest absolute noise: every published count is within ``bound`` of the truth."""
        return max(abs(n) for n in self.noise)

    def _table(self) -> tuple[np.ndarray, np.ndarray]:
        values = np.array(sorted(self.noise), dtype=np.int64)
        cumulative = np.cumsum([self.noise[v] for v in values]) * KEY_MODULUS
        return values, cumulative


def record_keys(identifiers: Iterable[str], policy: SecrecyPolicy) -> np.ndarray:
    """Record keys (uint64 in ``[0, 2**32)``) of stable identifiers, vectorised (SipHash)."""
    array = np.asarray(
        list(identifiers) if not isinstance(identifiers, np.ndarray) else identifiers, dtype=object
    )
    if array.size == 0:
        return np.zeros(0, dtype=np.uint64)
    hashed = pd.util.hash_array(array, hash_key=policy.hash_key, categorize=False)
    return hashed % np.uint64(KEY_MODULUS)


def cell_keys(key_sums: np.ndarray) -> np.ndarray:
    """Cell keys from sums of record keys (float64 or integer sums, exact below 2**53)."""
    return np.mod(np.asarray(key_sums, dtype=np.float64), KEY_MODULUS)


def noise_of(cell_key: np.ndarray, policy: SecrecyPolicy) -> np.ndarray:
    values, cumulative = policy._table()
    position = np.searchsorted(cumulative, np.asarray(cell_key, dtype=np.float64), side="right")
    return values[np.minimum(position, values.size - 1)]


@dataclass(frozen=True)
class Published:
    """Published counts: ``valeur`` is NaN where ``secret`` is True."""

    valeur: np.ndarray
    secret: np.ndarray


def publish_counts(
    counts: np.ndarray, key_sums: np.ndarray, policy: SecrecyPolicy, perturb: bool = True
) -> Published:
    """Apply the threshold and the cell-key noise to aggregated counts (vectorised).

    ``counts``: true counts of the cells; ``key_sums``: sum of the record keys of each cell.
    """
    counts = np.asarray(counts, dtype=np.float64)
    noise = noise_of(cell_keys(key_sums), policy) if perturb else np.zeros(counts.shape)
    perturbed = np.where(counts > 0, counts + noise, 0.0)
    secret = (counts > 0) & ((counts < policy.seuil) | (perturbed < policy.seuil))
    return Published(np.where(secret, np.nan, perturbed), secret)


def publish_count(count: float, key_sum: float, policy: SecrecyPolicy) -> tuple[float | None, bool]:
    out = publish_counts(np.array([count]), np.array([key_sum]), policy)
    value = out.valeur[0]
    return (None if np.isnan(value) else float(value)), bool(out.secret[0])
